// Job queue drain benchmark: 1000 queued bookings on a floor of 12 two-tops (most cannot be
// seated), default retry timings, 4 worker slots, on Postgres. Measures, from the start of the
// worker process:
// - first_pass_ms: until every booking is terminal or has had its job attempt and waits for the
//   next one (the target: 2 minutes; with slots sleeping between attempts this took ~30 min),
// - idle_ms: until, in addition, no job is due and unserved (the queue has caught up),
// - all_terminal_ms: until every booking is terminal.
// Run: npm run bench:drain [-- --runs=N --policy=v1|v2|both --out=bench/results/drain.json]
import fs from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { loadConfig } from '../server/config.ts'
import { createEngine, type Engine, type EngineOptions } from '../server/engine.ts'
import { OPEN_STATES } from '../server/assignment/booking-state.ts'
import { DEFAULT_RETRY_TIMINGS } from '../server/assignment/retry-policy.ts'
import { BENCH_SESSION_SECRET } from './bench-secrets.ts'

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const RUNS = Number(arg('runs') ?? 3)
const POLICIES = (arg('policy') ?? 'both') === 'both' ? (['v2', 'v1'] as const) : ([arg('policy')] as ('v1' | 'v2')[])
const BOOKINGS = 1000
const LARGE_PARTIES = 100 // party of 12 on two-tops: a hard failure (PARTY_TOO_LARGE)
const INTAKE_CONCURRENCY = 16
const TARGET_MS = 120_000
const GIVE_UP_MS = 240_000

const floor = {
  name: 'Drain Bench',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: Array.from({ length: 12 }, (_, i) => ({
    key: `T${String(i + 1).padStart(2, '0')}`,
    zone: 'main',
    capacity: 2,
  })),
  adjacency: [],
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!

async function freshDatabase() {
  const name = `reliability_bench_${Date.now()}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

function open(url: string, policy: 'v1' | 'v2', options: EngineOptions) {
  const config = loadConfig({
    NODE_ENV: 'test',
    MAITRE_DEMO: '0',
    SESSION_SECRET: BENCH_SESSION_SECRET,
    DATABASE_URL: url,
    FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: policy === 'v2' ? '1' : '0',
  })
  return createEngine(config, options)
}

/** Bookings by what they wait for: terminal, a scheduled next attempt, or a job due now / running. */
async function progress(engine: Engine) {
  const { rows } = await engine.database.executeSql(
    `with b as (
       select b.id,
              (b.status <> 'pending_allocation' or b.assignment_state::text not in (select jsonb_array_elements_text($1::jsonb))) as terminal,
              exists (select 1 from assignment_attempts a where a.booking_id = b.id and a.trigger = 'job') as attempted,
              exists (select 1 from pgboss.job j where j.name = 'auto-assign' and j.singleton_key = b.id::text
                         and j.state = 'created' and j.start_after > now()) as scheduled
         from bookings b)
     select count(*)::int as total,
            count(*) filter (where terminal)::int as terminal,
            count(*) filter (where not terminal and attempted and scheduled)::int as waiting,
            count(*) filter (where not terminal and attempted)::int as attempted,
            (select count(*)::int from assignment_attempts where trigger = 'job') as job_attempts
       from b`,
    [JSON.stringify(OPEN_STATES)],
  )
  return rows[0] as { total: number; terminal: number; waiting: number; attempted: number; job_attempts: number }
}

async function intake(engine: Engine) {
  await engine.restaurants.putFloor('drain', floor)
  const startAt = new Date(Date.now() + 3 * 86_400_000).toISOString()
  let next = 0
  const outcomes: Record<string, number> = {}
  const lane = async () => {
    while (next < BOOKINGS) {
      const i = next++
      const answer = await engine.bookings.create({
        restaurant: 'drain',
        startAt,
        partySize: i % (BOOKINGS / LARGE_PARTIES) === 0 ? 12 : 2,
        guest: { name: `Guest ${i}`, email: `guest${i}@example.com` },
      })
      const key = `${answer.autoAssign.outcome}:${answer.autoAssign.reason ?? '-'}`
      outcomes[key] = (outcomes[key] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: INTAKE_CONCURRENCY }, lane))
  return outcomes
}

async function run(policy: 'v1' | 'v2', index: number) {
  const database = await freshDatabase()
  try {
    // 1. intake without workers: 1000 bookings, their first jobs queued and due
    const intakeEngine = await open(database.url, policy, { workers: false })
    const intakeStarted = performance.now()
    const inline = await intake(intakeEngine)
    const intakeMs = performance.now() - intakeStarted
    await intakeEngine.close()

    // 2. one worker process with the default timings and slots
    const started = performance.now()
    const engine = await open(database.url, policy, {})
    let firstPassMs: number | null = null
    let idleMs: number | null = null
    let terminalMs: number | null = null
    let last = await progress(engine)
    while (performance.now() - started < GIVE_UP_MS) {
      last = await progress(engine)
      const elapsed = performance.now() - started
      if (firstPassMs === null && last.terminal + last.attempted === last.total) firstPassMs = elapsed
      if (idleMs === null && last.terminal + last.waiting === last.total) idleMs = elapsed
      if (last.terminal === last.total) {
        terminalMs = elapsed
        break
      }
      await sleep(250)
    }
    await engine.close()
    const result = {
      policy,
      run: index + 1,
      bookings: last.total,
      inline,
      intake_ms: Math.round(intakeMs),
      first_pass_ms: firstPassMs === null ? null : Math.round(firstPassMs),
      idle_ms: idleMs === null ? null : Math.round(idleMs),
      all_terminal_ms: terminalMs === null ? null : Math.round(terminalMs),
      terminal_at_end: last.terminal,
      job_attempts: last.job_attempts,
    }
    console.log(JSON.stringify(result))
    return result
  } finally {
    await database.drop()
  }
}

const results: Awaited<ReturnType<typeof run>>[] = []
for (const policy of POLICIES) for (let i = 0; i < RUNS; i++) results.push(await run(policy, i))
const byPolicy = Object.fromEntries(
  POLICIES.map((policy) => {
    const runs = results.filter((r) => r.policy === policy)
    const firstPass = runs.map((r) => r.first_pass_ms ?? Infinity)
    return [
      policy,
      {
        runs: runs.length,
        median_first_pass_ms: median(firstPass),
        median_idle_ms: median(runs.map((r) => r.idle_ms ?? Infinity)),
        median_all_terminal_ms: median(runs.map((r) => r.all_terminal_ms ?? Infinity)),
        target_ms: TARGET_MS,
        pass: median(firstPass) <= TARGET_MS,
      },
    ]
  }),
)
const report = {
  generated: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load_at_end: os.loadavg() },
  setup: {
    bookings: BOOKINGS,
    large_parties: LARGE_PARTIES,
    tables: floor.tables.length,
    worker_slots: 4,
    retry_timings: DEFAULT_RETRY_TIMINGS,
    driver: 'postgres',
  },
  summary: byPolicy,
  results,
}
fs.mkdirSync('bench/results', { recursive: true })
fs.writeFileSync(arg('out') ?? 'bench/results/drain.json', JSON.stringify(report, null, 2) + '\n')
console.log(JSON.stringify(byPolicy, null, 2))
