import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { startServer } from '../../server/main.ts'
import { ensureFreshBuild } from '../helpers/e2e-server.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const startScript = path.join(root, 'scripts/start.mjs')

// `npm start` as a person runs it: its own process, its own environment (no test database)
function childEnv(extra: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra }
}

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function runStart(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [startScript], {
    cwd: root,
    env: childEnv(env) as NodeJS.ProcessEnv,
    stdio: 'pipe',
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!pattern.test(started.output())) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited early:\n${started.output()}`)
    if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${started.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-start-'))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

function stopChild(started: Started) {
  cleanups.push(async () => {
    if (started.child.exitCode === null) {
      started.child.kill('SIGTERM')
      const timer = setTimeout(() => started.child.kill('SIGKILL'), 15_000)
      await started.exited
      clearTimeout(timer)
    }
  })
}

describe('npm start (scripts/start.mjs)', () => {
  it('reports a port in use in one line with the fix, exits non-zero, and has not touched the database', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
    const port = (blocker.address() as net.AddressInfo).port
    const dataDir = tempDataDir()

    const started = runStart({ PORT: String(port), DATA_DIR: dataDir })
    stopChild(started)
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000))
    const code = await Promise.race([started.exited, timeout])
    expect(code).not.toBe('timeout')
    expect(code).not.toBe(0)
    const lines = started.output().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`127.0.0.1:${port} is already in use`)
    expect(lines[0]).toContain(`PORT=${port + 1} npm start`)
    // no migrations ran, nothing was seeded
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false)
  })

  it('in demo mode: listens on 127.0.0.1 only, prints the banner last, and MAITRE_SIMULATOR=0 keeps traffic off', async () => {
    ensureFreshBuild()
    const dataDir = tempDataDir()
    const started = runStart({ PORT: '0', DATA_DIR: dataDir, MAITRE_SIMULATOR: '0' })
    stopChild(started)
    await waitForOutput(started, /\n {2}docs {2,}.*\n/, 90_000)
    // settle: nothing else is printed once the banner is out
    await new Promise((resolve) => setTimeout(resolve, 500))
    const lines = started.output().trimEnd().split('\n')
    expect(lines.at(-1)).toMatch(/^ {2}docs {2,}README\.md, docs\/api\.md, docs\/operations\.md$/)
    const bannerStart = lines.indexOf('Maitre is ready')
    expect(bannerStart).toBeGreaterThan(-1)
    expect(lines.slice(0, bannerStart).filter((line) => line.trim()).length).toBeLessThanOrEqual(2)
    const banner = lines.slice(bannerStart).join('\n')
    expect(banner).toMatch(/listening +on 127\.0\.0\.1 only/)
    expect(banner).toContain('simulator off')
    expect(banner).toContain('ops@demo.maitre')
    const port = Number(/open +http:\/\/localhost:(\d+)/.exec(banner)![1])

    const headers = { authorization: 'Bearer dev-token' }
    const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    expect(health.status).toBe(200)
    // another address of this machine, when it has one, must not reach the server
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)
    if (external) {
      const reached = await fetch(`http://${external.address}:${port}/healthz`).then(
        () => true,
        () => false,
      )
      expect(reached).toBe(false)
    }
    const restaurants = await (await fetch(`http://127.0.0.1:${port}/api/restaurants`, { headers })).json()
    expect(restaurants.restaurants).toHaveLength(3)
    const from = new Date(Date.now() - 86_400_000).toISOString()
    const to = new Date(Date.now() + 60 * 86_400_000).toISOString()
    const bookings = await (
      await fetch(`http://127.0.0.1:${port}/api/bookings?from=${from}&to=${to}`, { headers })
    ).json()
    expect(bookings.total).toBe(0)
  }, 180_000)

  it('binds every interface in demo mode when HOST says so', async () => {
    ensureFreshBuild()
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      MAITRE_DEMO: '1',
      MAITRE_SIMULATOR: '0',
      NODE_ENV: 'test',
      DATA_DIR: tempDataDir(),
      SESSION_SECRET: 'start-test-session-secret-0123456789',
    })
    const running = await startServer(config, { inMemory: true, log: () => {} })
    cleanups.push(() => running.stop())
    expect(running.boundHost).toBe('0.0.0.0')
  }, 180_000)

  it('npm run dev serves the pages through Vite, with no production build needed', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    expect(pkg.scripts.dev).toContain('server/index.ts --dev')
    const dataDir = tempDataDir()
    // its own process group: `tsx watch` runs the server in a child, and both must stop
    const child = spawn('npm', ['run', 'dev'], {
      cwd: root,
      env: childEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MAITRE_DEMO: '0' }) as NodeJS.ProcessEnv,
      stdio: 'pipe',
      detached: true,
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    cleanups.push(async () => {
      if (child.exitCode !== null) return
      process.kill(-child.pid!, 'SIGTERM')
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    })
    const started: Started = { child, output: () => output, exited: exited as Promise<number | null> }
    await waitForOutput(started, /\n {2}docs {2,}.*\n/, 120_000)
    const port = Number(/open +http:\/\/localhost:(\d+)/.exec(output)![1])
    const login = await fetch(`http://127.0.0.1:${port}/login`)
    expect(login.status).toBe(200)
    const html = await login.text()
    expect(html).toContain('Sign in')
    // served by Vite's dev middleware: modules come from the source tree, not build/client/assets
    expect(html).toMatch(/\/@vite\/client|\/app\/root\.tsx|\/@id\//)
  }, 180_000)
})
