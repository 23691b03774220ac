// Chaos: a real server process on Postgres behind a TCP proxy, ~20 bookings/s with a busy job
// queue; the proxy cuts the database off for 30 s (connections reset, new ones refused) and then
// restores it. Checks that the same process (same pid) serves again within 5 s of the restore,
// that no request answered 500, and that every acknowledged booking ends seated or in review with
// one confirmation each. Run: npm run bench:outage   (result: bench/results/outage-cut.json)
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { OPEN_STATES } from '../server/assignment/booking-state.ts'
import { startTcpProxy } from '../tests/helpers/tcp-proxy.ts'
import { BENCH_SESSION_SECRET } from './bench-secrets.ts'

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TOKEN = 'outage-cut-token-123'
const CUT_MS = Number(process.argv.find((a) => a.startsWith('--cut-ms='))?.slice(9) ?? 30_000)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const name = `reliability_outage_${Date.now()}`
const admin = new pg.Client({ connectionString: ADMIN_URL })
await admin.connect()
await admin.query(`create database ${name}`)
const target = new URL(ADMIN_URL)
const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
const viaProxy = new URL(ADMIN_URL)
viaProxy.host = `127.0.0.1:${proxy.port}`
viaProxy.pathname = `/${name}`
const direct = new URL(ADMIN_URL)
direct.pathname = `/${name}`

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/chaos/server-child.ts'], {
  env: {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: viaProxy.toString(),
    SESSION_SECRET: BENCH_SESSION_SECRET,
    MAITRE_API_TOKEN: TOKEN,
    FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1',
    CHAOS_CAPACITY_SPACING_MS: '2000',
  },
  stdio: ['ignore', 'pipe', 'ignore'],
})
let exited: number | null | 'running' = 'running'
child.on('exit', (code) => (exited = code))
const port = await new Promise<number>((resolve) => {
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    const match = /listening (\d+)/.exec(output)
    if (match) resolve(Number(match[1]))
  })
})
const url = `http://127.0.0.1:${port}`
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
await fetch(`${url}/api/restaurants/cut`, {
  method: 'PUT',
  headers,
  body: JSON.stringify({
    name: 'Cut Bistro',
    timezone: 'UTC',
    zones: [{ key: 'main', name: 'Main' }],
    tables: Array.from({ length: 6 }, (_, i) => ({ key: `T${i + 1}`, zone: 'main', capacity: 2 })),
    adjacency: [],
  }),
})

let phase: 'before' | 'cut' | 'restored' = 'before'
const statuses: Record<string, Record<string, number>> = { before: {}, cut: {}, restored: {} }
const acknowledged: string[] = []
let maxMs = 0
let n = 0
let sending = true
const inFlight = new Set<Promise<void>>()
const traffic = (async () => {
  while (sending) {
    const at = phase
    const i = n++
    const started = performance.now()
    const request = fetch(`${url}/api/bookings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        restaurant: 'cut',
        startAt: new Date(Date.now() + (2 + (i % 4)) * 86_400_000).toISOString(),
        partySize: 2,
        guest: { name: `Cut ${i}`, email: `cut${i}@example.com` },
      }),
    })
      .then(async (response) => {
        const body = (await response.json()) as { booking?: { id: string } }
        statuses[at]![response.status] = (statuses[at]![response.status] ?? 0) + 1
        if (response.status === 201) acknowledged.push(body.booking!.id)
      })
      .catch(() => void (statuses[at]!.network = (statuses[at]!.network ?? 0) + 1))
      .finally(() => (maxMs = Math.max(maxMs, performance.now() - started)))
    inFlight.add(request)
    void request.finally(() => inFlight.delete(request))
    await sleep(50)
  }
})()

await sleep(5_000)
phase = 'cut'
proxy.setMode('reset')
await sleep(CUT_MS)
const health = await fetch(`${url}/healthz`)
const healthBody = await health.text()
phase = 'restored'
proxy.setMode('open')
const restored = performance.now()
let servingAfterMs: number | null = null
while (performance.now() - restored < 30_000) {
  const response = await fetch(`${url}/healthz`).catch(() => null)
  if (response?.status === 200 && (statuses.restored![201] ?? 0) > 0) {
    servingAfterMs = performance.now() - restored
    break
  }
  await sleep(100)
}
await sleep(5_000)
sending = false
await traffic
await Promise.all([...inFlight])

// settle: every acknowledged booking seated or in review, every confirmation sent
const db = new pg.Client({ connectionString: direct.toString() })
await db.connect()
const settleStarted = performance.now()
let open = -1
let pending = -1
while (performance.now() - settleStarted < 120_000) {
  open = (
    await db.query(
      `select count(*)::int as n from bookings where status = 'pending_allocation' and assignment_state::text = any($1::text[])`,
      [OPEN_STATES],
    )
  ).rows[0].n
  pending = (await db.query(`select count(*)::int as n from email_outbox where status = 'pending'`)).rows[0].n
  if (open === 0 && pending === 0) break
  await sleep(1_000)
}
const lost = (
  await db.query(`select $1::int - count(*)::int as n from bookings where id = any($2::uuid[])`, [
    acknowledged.length,
    acknowledged,
  ])
).rows[0].n
const emails = (
  await db.query(`select count(*)::int as n from bookings b where b.status = 'confirmed'
      and (select count(*) from email_outbox e where e.booking_id = b.id and e.kind = 'confirmation' and e.status = 'sent') <> 1`)
).rows[0].n
const aliveThroughout = exited === 'running'
const report = {
  generated: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, load_at_end: os.loadavg() },
  cut_ms: CUT_MS,
  health_during_cut: { status: health.status, retry_after: health.headers.get('retry-after'), body: healthBody },
  same_process_alive: aliveThroughout,
  serving_again_after_restore_ms: servingAfterMs === null ? null : Math.round(servingAfterMs),
  statuses,
  max_request_ms: Math.round(maxMs),
  acknowledged: acknowledged.length,
  lost_acknowledged: lost,
  still_open_after_settle: open,
  emails_pending_after_settle: pending,
  confirmed_without_exactly_one_sent_confirmation: emails,
  pass:
    aliveThroughout &&
    servingAfterMs !== null &&
    servingAfterMs < 5_000 &&
    Object.values(statuses).every((byStatus) => !byStatus['500']) &&
    lost === 0 &&
    open === 0 &&
    emails === 0,
}
child.kill('SIGTERM')
await sleep(2_000)
await db.end()
await proxy.close()
await admin.query(`drop database if exists ${name} with (force)`)
await admin.end()
fs.mkdirSync('bench/results', { recursive: true })
fs.writeFileSync('bench/results/outage-cut.json', JSON.stringify(report, null, 2) + '\n')
console.log(JSON.stringify(report, null, 2))
