import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { createEngine, type Engine } from '../../server/engine.ts'
import { OPEN_STATES } from '../../server/assignment/booking-state.ts'
import { createFreshDatabaseUrl } from '../helpers/test-database.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

describe(`SIGTERM drains a busy server within 10 s (${driver})`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-drain-'))
  let fresh: Awaited<ReturnType<typeof createFreshDatabaseUrl>>
  let engine: Engine | undefined
  afterAll(async () => {
    await engine?.close()
    await fresh?.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers the requests in flight, exits 0, and leaves every acknowledged booking with a job or an end', async () => {
    fresh = await createFreshDatabaseUrl()
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      SESSION_SECRET: 'drain-test-secret-0123456789-abcdefgh',
      MAITRE_API_TOKEN: 'drain-token-123',
      ...(fresh.url ? { DATABASE_URL: fresh.url } : {}),
    } as NodeJS.ProcessEnv
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/drain-child.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    )
    const port = await new Promise<number>((resolve, reject) => {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening (\d+)/.exec(output)
        if (match) resolve(Number(match[1]))
      })
      void exited.then(() => reject(new Error(`the server exited before listening: ${output}`)))
    })
    const url = `http://127.0.0.1:${port}`
    const slug = 'drain-test'
    const floorPut = await fetch(`${url}/api/restaurants/${slug}`, {
      method: 'PUT',
      headers: { authorization: 'Bearer drain-token-123', 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Drain Test',
        timezone: 'UTC',
        zones: [{ key: 'main', name: 'Main' }],
        tables: Array.from({ length: 4 }, (_, i) => ({ key: `T${i + 1}`, zone: 'main', capacity: 4 })),
        adjacency: [],
      }),
    })
    expect(floorPut.status).toBe(200)

    // our own traffic on top of the simulator's: bookings in flight when the signal lands
    const acknowledged: string[] = []
    const failures: string[] = []
    let sending = true
    let signalledAt = Infinity
    let i = 0
    const bookOnce = async () => {
      const n = i++
      const sentAt = performance.now()
      try {
        const response = await fetch(`${url}/api/bookings`, {
          method: 'POST',
          headers: { authorization: 'Bearer drain-token-123', 'content-type': 'application/json' },
          body: JSON.stringify({
            restaurant: slug,
            startAt: new Date(Date.now() + (2 + (n % 3)) * 86_400_000).toISOString(),
            partySize: 2 + (n % 4),
            guest: { name: `Drain ${n}`, email: `drain${n}@example.com` },
          }),
        })
        const body = (await response.json()) as { booking?: { id: string } }
        if (response.status === 201) acknowledged.push(body.booking!.id)
        else if (response.status !== 503) failures.push(`${response.status} ${JSON.stringify(body)}`)
      } catch (error) {
        const code = ((error as Error).cause as { code?: string } | undefined)?.code
        // sent after the signal: refused by the closed listener, or reset on a keep-alive socket
        // the drain was closing; never acknowledged, so nothing is lost (a client retries)
        if (sentAt > signalledAt) return
        failures.push(`${code ?? (error as Error).message}, sent ${Math.round(sentAt - signalledAt)} ms after SIGTERM`)
      }
    }
    // two clients booking back to back, on top of the simulator's traffic
    const traffic = Promise.all(
      Array.from({ length: 2 }, async () => {
        while (sending) await bookOnce()
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 2_000))

    const signalled = performance.now()
    signalledAt = signalled
    child.kill('SIGTERM')
    const exit = await exited
    const drainMs = performance.now() - signalled
    sending = false
    await traffic

    expect(exit).toEqual({ code: 0, signal: null })
    expect(drainMs).toBeLessThan(10_000)
    // every request in flight when the signal landed was answered
    expect(failures).toEqual([])
    expect(acknowledged.length).toBeGreaterThan(10)

    // a fresh process on the same database: nothing acknowledged is without a job or an end
    engine = await createEngine(
      loadConfig({
        NODE_ENV: 'test',
        MAITRE_DEMO: '0',
        DATA_DIR: dataDir,
        SESSION_SECRET: 'drain-test-secret-0123456789-abcdefgh',
        ...(fresh.url ? { DATABASE_URL: fresh.url } : {}),
      }),
      { workers: false },
    )
    const { rows } = await engine.database.executeSql(
      `select b.id from bookings b
        where b.id = any($1::uuid[]) and b.status = 'pending_allocation'
          and b.assignment_state::text in (select jsonb_array_elements_text($2::jsonb))
          and not exists (select 1 from pgboss.job j where j.name = 'auto-assign' and j.singleton_key = b.id::text
                            and j.state <= 'active')`,
      [acknowledged, JSON.stringify(OPEN_STATES)],
    )
    expect(rows).toEqual([])
    const found = await engine.database.executeSql(
      `select count(*)::int as n from bookings where id = any($1::uuid[])`,
      [acknowledged],
    )
    expect(found.rows[0]!.n).toBe(acknowledged.length)
  })
})
