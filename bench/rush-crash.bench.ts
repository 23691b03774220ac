// Chaos: a 50-way rush of 1000 bookings against a real server process on Postgres, SIGKILLed
// halfway and restarted on the same database; clients retry a failed request with the same
// idempotencyKey, as the API asks. Checks the invariants: 0 acknowledged bookings lost,
// 0 open bookings without a job, 0 double bookings, exactly 1 confirmation email per confirmed
// booking. Run: npm run bench:rush-crash   (result: bench/results/rush-crash.json)
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { OPEN_STATES } from '../server/assignment/booking-state.ts'
import { BENCH_SESSION_SECRET } from './bench-secrets.ts'

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const BOOKINGS = 1000
const CONCURRENCY = 50
const KILL_AFTER = 500
const TOKEN = 'rush-crash-token-123'
const SETTLE_LIMIT_MS = 180_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const floor = {
  name: 'Rush Hall',
  timezone: 'UTC',
  zones: [
    { key: 'main', name: 'Main' },
    { key: 'terrace', name: 'Terrace' },
  ],
  tables: [
    ...Array.from({ length: 12 }, (_, i) => ({ key: `M${i + 1}`, zone: 'main', capacity: 2 })),
    ...Array.from({ length: 6 }, (_, i) => ({ key: `F${i + 1}`, zone: 'main', capacity: 4 })),
    ...Array.from({ length: 6 }, (_, i) => ({ key: `T${i + 1}`, zone: 'terrace', capacity: 4 })),
  ],
  adjacency: Array.from({ length: 11 }, (_, i) => [`M${i + 1}`, `M${i + 2}`]),
}

async function startChild(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/chaos/server-child.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: BENCH_SESSION_SECRET,
      MAITRE_API_TOKEN: TOKEN,
      FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1',
      CHAOS_CAPACITY_SPACING_MS: '3000',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening (\d+)/.exec(output)
      if (match) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening`)))
  })
  return { child, url: `http://127.0.0.1:${port}` }
}

async function main() {
  const name = `reliability_rush_${Date.now()}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const dbUrl = new URL(ADMIN_URL)
  dbUrl.pathname = `/${name}`
  const db = new pg.Client({ connectionString: dbUrl.toString() })
  const started = performance.now()
  let server = await startChild(dbUrl.toString())
  try {
    await db.connect()
    const put = await fetch(`${server.url}/api/restaurants/rush`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(floor),
    })
    if (put.status !== 200) throw new Error(`floor import answered ${put.status}`)

    const base = Date.now() + 2 * 86_400_000
    const requests = Array.from({ length: BOOKINGS }, (_, i) => ({
      restaurant: 'rush',
      // eight slots two hours apart: most parties compete for the same few tables
      startAt: new Date(base + (i % 8) * 2 * 3600_000).toISOString(),
      partySize: [2, 2, 2, 4, 4, 6][i % 6],
      guest: { name: `Rush ${i}`, email: `rush${i}@example.com` },
      idempotencyKey: `rush-${i}`,
    }))
    const acknowledged = new Map<number, string>()
    let answered = 0
    let killedAt: number | null = null
    let restarting: Promise<void> | null = null
    let retries = 0
    const statuses: Record<string, number> = {}
    let next = 0

    const killAndRestart = () => {
      restarting ??= (async () => {
        killedAt = answered
        server.child.kill('SIGKILL')
        await new Promise((resolve) => server.child.once('exit', resolve))
        server = await startChild(dbUrl.toString())
        restarting = null
      })()
      return restarting
    }

    const lane = async () => {
      while (next < BOOKINGS) {
        const i = next++
        for (;;) {
          if (restarting) await restarting
          try {
            const response = await fetch(`${server.url}/api/bookings`, {
              method: 'POST',
              headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify(requests[i]),
            })
            const body = (await response.json()) as { booking?: { id: string } }
            statuses[response.status] = (statuses[response.status] ?? 0) + 1
            if (response.status === 201 || response.status === 200) {
              acknowledged.set(i, body.booking!.id)
              answered++
              if (answered === KILL_AFTER && killedAt === null) void killAndRestart()
              break
            }
            if (response.status !== 503) throw new Error(`booking ${i}: ${response.status} ${JSON.stringify(body)}`)
          } catch (error) {
            if ((error as Error).message.startsWith('booking ')) throw error
          }
          // the server died under this request, or answered 503: retry with the same key
          retries++
          await sleep(100)
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, lane))
    const rushMs = performance.now() - started

    const ids = [...acknowledged.values()]
    const query = async (text: string, values: unknown[] = []) => (await db.query(text, values)).rows
    const withoutJob = `select count(*)::int as n from bookings b
        where b.status = 'pending_allocation' and b.assignment_state::text = any($1::text[])
          and not exists (select 1 from pgboss.job j where j.name = 'auto-assign' and j.singleton_key = b.id::text and j.state <= 'active')`
    const stuckRightAfter = (await query(withoutJob, [OPEN_STATES]))[0].n as number

    // let the restarted process work the queue off (the killed process's active jobs expire)
    const settleStarted = performance.now()
    for (;;) {
      const [open] = await query(
        `select count(*)::int as n from bookings where status = 'pending_allocation' and assignment_state::text = any($1::text[])`,
        [OPEN_STATES],
      )
      const [pending] = await query(`select count(*)::int as n from email_outbox where status = 'pending'`)
      if ((open.n === 0 && pending.n === 0) || performance.now() - settleStarted > SETTLE_LIMIT_MS) break
      await sleep(1_000)
    }
    const settleMs = performance.now() - settleStarted

    const [lost] = await query(`select $1::int - count(*)::int as n from bookings where id = any($2::uuid[])`, [
      ids.length,
      ids,
    ])
    const [stuck] = await query(withoutJob, [OPEN_STATES])
    const [open] = await query(
      `select count(*)::int as n from bookings where status = 'pending_allocation' and assignment_state::text = any($1::text[])`,
      [OPEN_STATES],
    )
    const [doubles] = await query(
      `select count(*)::int as n from table_allocations a join table_allocations b
          on a.table_id = b.table_id and a.id < b.id and a.kind = 'assignment' and b.kind = 'assignment'
         and a.released_at is null and b.released_at is null and a."window" && b."window"`,
    )
    const [emails] = await query(
      `select count(*)::int as n from bookings b where b.status = 'confirmed'
          and (select count(*) from email_outbox e where e.booking_id = b.id and e.kind = 'confirmation' and e.status = 'sent') <> 1`,
    )
    const [states] = await query(
      `select json_object_agg(state, n) as states from (select assignment_state::text as state, count(*)::int as n from bookings group by 1) s`,
    )
    const [keys] = await query(`select count(*)::int as n from bookings`)
    const report = {
      generated: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, load_at_end: os.loadavg() },
      setup: {
        bookings: BOOKINGS,
        concurrency: CONCURRENCY,
        killed_after_answers: killedAt,
        tables: floor.tables.length,
      },
      rush_ms: Math.round(rushMs),
      settle_ms: Math.round(settleMs),
      statuses,
      client_retries: retries,
      bookings_in_database: keys.n,
      states: states.states,
      invariants: {
        lost_acknowledged: lost.n,
        open_without_job_right_after_rush: stuckRightAfter,
        open_without_job_at_end: stuck.n,
        still_open_at_end: open.n,
        double_bookings: doubles.n,
        confirmed_without_exactly_one_sent_confirmation: emails.n,
      },
    }
    const pass =
      lost.n === 0 && stuckRightAfter === 0 && stuck.n === 0 && doubles.n === 0 && emails.n === 0 && keys.n === BOOKINGS
    fs.mkdirSync('bench/results', { recursive: true })
    fs.writeFileSync('bench/results/rush-crash.json', JSON.stringify({ ...report, pass }, null, 2) + '\n')
    console.log(JSON.stringify({ ...report, pass }, null, 2))
  } finally {
    server.child.kill('SIGTERM')
    await db.end().catch(() => {})
    await sleep(2_000)
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

await main()
