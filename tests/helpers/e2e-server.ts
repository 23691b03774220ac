import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../server/config.ts'
import { startServer, type RunningServer, type StartOptions } from '../../server/main.ts'
import { createFreshDatabaseUrl } from './test-database.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const buildEntry = path.join(root, 'build/server/index.js')

function newestMtime(target: string): number {
  const stat = fs.statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)))
  return newest
}

/** Same rule as scripts/start.mjs: rebuild when the build is missing or older than its sources. */
function buildIsStale(): boolean {
  if (!fs.existsSync(buildEntry)) return true
  const built = fs.statSync(buildEntry).mtimeMs
  return ['app', 'vite.config.ts', 'package-lock.json']
    .map((p) => path.join(root, p))
    .filter((p) => fs.existsSync(p))
    .some((p) => newestMtime(p) > built)
}

export function ensureFreshBuild(): void {
  if (!buildIsStale()) return
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'],
    {
      cwd: root,
      stdio: 'inherit',
      // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  if (result.status !== 0) throw new Error(`remix vite:build failed (exit ${result.status ?? result.signal})`)
}

export interface E2eServer extends RunningServer {
  /** stops the server and removes its data (tmp dir, Postgres database) */
  dispose(): Promise<void>
}

/**
 * The production build served by the real server in demo mode (demo restaurants and users) on a
 * fresh database: PGlite in memory, or a new Postgres database when DATABASE_URL is set.
 */
export async function startE2eServer(options: Partial<StartOptions> = {}): Promise<E2eServer> {
  ensureFreshBuild()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-e2e-'))
  const fresh = await createFreshDatabaseUrl()
  const config = loadConfig({
    PORT: '0',
    MAITRE_DEMO: '1',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SESSION_SECRET: 'e2e-session-secret-0123456789abcdef',
    ...(fresh.url ? { DATABASE_URL: fresh.url } : {}),
  })
  let server: RunningServer
  try {
    server = await startServer(config, {
      inMemory: true,
      host: '127.0.0.1',
      log: () => {},
      demoBookings: 0,
      simulatorIntervalMs: 0,
      ...options,
    })
  } catch (error) {
    await fresh.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
  return Object.assign(server, {
    url: `http://127.0.0.1:${server.port}`,
    async dispose() {
      try {
        await server.stop()
      } finally {
        await fresh.drop()
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    },
  })
}
