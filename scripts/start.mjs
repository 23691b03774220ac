// `npm start`: check the port, build the pages when the build is missing or older than the
// sources (one line of progress; `npm start -- --verbose` shows the build's own output), then serve.
// The server prints its banner (URL, logins, token, database, mode) last.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runWithProgress } from './build-progress.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const buildEntry = path.join(root, 'build/server/index.js')
const verbose = process.argv.includes('--verbose')

function newestMtime(dir) {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

const sourcesChanged = () => {
  if (!fs.existsSync(buildEntry)) return true
  const built = fs.statSync(buildEntry).mtimeMs
  return ['app', 'vite.config.ts', 'package-lock.json']
    .map((p) => path.join(root, p))
    .filter((p) => fs.existsSync(p))
    .some((p) => (fs.statSync(p).isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs) > built)
}

const { register } = await import('tsx/esm/api')
register()

// the environment and the port first: a mistake there is reported in a second, before any build
const { ConfigError, loadConfig } = await import('../server/config.ts')
let config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
const { portUnavailableMessage } = await import('../server/startup/port-check.ts')
const portProblem = await portUnavailableMessage(config.port, config.host)
if (portProblem) {
  console.error(portProblem)
  process.exit(1)
}

if (sourcesChanged()) {
  const build = await runWithProgress({
    label: 'Building the pages (remix vite:build)',
    command: process.execPath,
    args: [path.join(root, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'],
    cwd: root,
    verbose,
  })
  if (!build.ok) process.exit(build.code)
}

await import('../server/index.ts')
