import crypto from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { createEngine, type Engine } from '../../server/engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'
import { waitFor } from '../helpers/wait.ts'

// A network outage needs a database on the network: this file always runs on Postgres (the one
// CI and the dev machine run on 127.0.0.1:5432), through a TCP proxy the test cuts and restores.
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const floor = {
  name: 'Outage Bistro',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: [
    { key: 'T1', zone: 'main', capacity: 2 },
    { key: 'T2', zone: 'main', capacity: 2 },
  ],
  adjacency: [],
}

interface Answer {
  status: number
  /** performance.now() when the answer came back */
  endedAt: number
  retryAfter: string | null
  ms: number
  body: string
}

describe('a database outage degrades, never kills (postgres through a TCP proxy)', () => {
  const name = `maitre_outage_${process.pid}_${crypto.randomBytes(3).toString('hex')}`
  let proxy: TcpProxy
  let engine: Engine
  let api: TestApi
  const answers: Array<Answer & { phase: string }> = []
  let phase = 'before'
  let traffic: Promise<void> | undefined
  let stopTraffic = false

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const target = new URL(ADMIN_URL)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const url = new URL(ADMIN_URL)
    url.host = `127.0.0.1:${proxy.port}`
    url.pathname = `/${name}`
    const config = loadConfig({
      NODE_ENV: 'test',
      MAITRE_DEMO: '0',
      SESSION_SECRET: 'outage-test-secret-0123456789-abcdefgh',
      MAITRE_API_TOKEN: 'outage-token-123',
      DATABASE_URL: url.toString(),
      FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1',
    })
    engine = await createEngine(config, {
      // short bounds so the test stays short; production defaults are in DEFAULT_DATABASE_TIMEOUTS
      databaseTimeouts: { connectMs: 1_000, queryMs: 1_500, statementMs: 1_500, lockMs: 1_000 },
      retryTimings: { capacitySpacingMs: 300, capacityAttempts: 3, maxAttempts: 5, transientBaseMs: 50 },
      maintenanceIntervalSeconds: 1,
      jobExpireInSeconds: 5,
    })
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/outage', floor)).status).toBe(200)
  })

  afterAll(async () => {
    // Teardown is bounded step by step: in the full suite one run in three hung here for the whole
    // hook timeout after the assertions had passed (see the closing note of issue 8); a step that
    // overruns is reported, and the database is dropped with force whatever the connections do.
    const within = async (what: string, work: Promise<unknown> | undefined, ms = 15_000) => {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)))
      const outcome = await Promise.race([Promise.resolve(work).catch(() => 'failed'), late])
      clearTimeout(timer)
      if (outcome === 'late') console.error(`[outage test] teardown: ${what} did not finish within ${ms} ms`)
    }
    stopTraffic = true
    await within('the traffic loop', traffic)
    proxy?.setMode('open')
    await within('closing the API server', api?.close())
    await within('closing the engine', engine?.close(), 30_000)
    await within('closing the proxy', proxy?.close())
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  })

  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    const started = performance.now()
    const response = await fetch(api.url + path, {
      method,
      headers: { authorization: 'Bearer outage-token-123', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      ms: performance.now() - started,
      endedAt: performance.now(),
      body: await response.text(),
    }
  }

  let n = 0
  const book = () =>
    call('POST', '/api/bookings', {
      restaurant: 'outage',
      startAt: new Date(Date.now() + (2 + (n % 5)) * 86_400_000).toISOString(),
      partySize: 2,
      guest: { name: `Guest ${n}`, email: `guest${n++}@example.com` },
    })

  /** ~20 bookings/s, most of them queued for the job workers */
  function startTraffic() {
    traffic = (async () => {
      while (!stopTraffic) {
        const at = phase
        void book().then((answer) => answers.push({ ...answer, phase: at }))
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('answers 503 with Retry-After during a cut and a stall, and the same process serves again within 5 s', async () => {
    startTraffic()
    await sleep(1_500)

    // 1. the database goes away (connections reset, new ones refused)
    phase = 'reset'
    const cutAt = performance.now()
    proxy.setMode('reset')
    await sleep(3_000)
    const health = await call('GET', '/healthz')
    expect(health.status).toBe(503)
    expect(health.retryAfter).toBe('5')
    expect(health.body).not.toContain('127.0.0.1')
    expect(health.body).not.toContain(String(proxy.port))

    // 2. a silent partition: connections stay open and nothing comes back
    phase = 'stall'
    proxy.setMode('stall')
    await sleep(3_000)
    const stalledHealth = await call('GET', '/healthz')
    expect(stalledHealth.status).toBe(503)
    expect(stalledHealth.ms).toBeLessThan(3_000)

    // 3. the network comes back: the same process serves again within 5 s
    phase = 'restored'
    proxy.setMode('open')
    const restoredAt = performance.now()
    await waitFor(async () => ((await book()).status === 201 ? true : undefined), 5_000, 'a 201 after the restore')
    expect(performance.now() - restoredAt).toBeLessThan(5_000)
    expect((await call('GET', '/healthz')).status).toBe(200)
    await sleep(1_000)
    stopTraffic = true
    await traffic
    await sleep(3_000) // the last requests of the outage come back

    // never a 500; during the outage 503 with Retry-After, and no request hung past its bounds
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([])
    const outage = answers.filter((a) => a.phase === 'reset' || a.phase === 'stall')
    expect(outage.length).toBeGreaterThan(50)
    expect(outage.filter((a) => a.status === 503).length).toBeGreaterThan(0)
    for (const answer of answers.filter((a) => a.status === 503)) {
      expect(answer.retryAfter).toBe('5')
      expect(answer.body).toContain('DATABASE_UNAVAILABLE')
    }
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(8_000)
    expect(answers.filter((a) => a.phase === 'before' && a.endedAt < cutAt).every((a) => a.status === 201)).toBe(true)

    // the workers and the outbox resumed by themselves: every acknowledged booking settles
    const acknowledged = answers.filter((a) => a.status === 201).map((a) => JSON.parse(a.body).booking.id as string)
    await waitFor(
      async () => {
        const { rows } = await engine.database.executeSql(
          `select count(*)::int as open from bookings
            where id = any($1::uuid[]) and status = 'pending_allocation' and assignment_state <> 'manual_review'`,
          [acknowledged],
        )
        return rows[0]!.open === 0 ? true : undefined
      },
      30_000,
      'every acknowledged booking to be seated or in manual review',
    )
    await waitFor(
      async () => {
        const { rows } = await engine.database.executeSql(
          `select count(*)::int as pending from email_outbox where status = 'pending'`,
        )
        return rows[0]!.pending === 0 ? true : undefined
      },
      15_000,
      'the outbox to send every confirmation',
    )
    const { rows } = await engine.database.executeSql(
      `select count(*)::int as n from bookings b where b.status = 'confirmed'
          and (select count(*) from email_outbox e where e.booking_id = b.id and e.kind = 'confirmation' and e.status = 'sent') <> 1`,
    )
    expect(rows[0]!.n).toBe(0)
  })
})
