// V3 coordinator benchmark on Postgres (issue 10, item 9). Run: npm run bench:coordinator
// 1. V3 on: 200 simultaneous bookings over 4 restaurants through intake and the job. Bulkhead
//    occupancy is sampled every 5 ms; lock wait and coordinator duration come from the coordinator.*
//    events; then the invariants: no double booking, nothing lost, one email per confirmed booking.
//    The same bookings paced at 40/s show the coordinator's latency off saturation.
// 2. Legacy with shadow off vs on: the same burst, intake latency p95 on the legacy path; what
//    shadow adds. Each scenario runs RUNS times on a fresh database; medians are reported.
import fs from 'node:fs'
import os from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import { loadConfig } from '../server/config.ts'
import { createEngine, type Engine } from '../server/engine.ts'
import { BENCH_SESSION_SECRET } from './bench-secrets.ts'

const RUNS = process.argv.includes('--quick') ? 1 : 3
// --only=v3 | paced | shadow runs one scenario (for a profile); the report is written only for all
const ONLY = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length) ?? null
const runs = (scenario: 'v3' | 'paced' | 'shadow') => ONLY === null || ONLY === scenario
// --redis-locks: the coordinator's locks in Redis (as with REDIS_URL set) instead of advisory locks
const REDIS_LOCKS = process.argv.includes('--redis-locks')
const BOOKINGS = 200
const RESTAURANTS = 4
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TARGETS = { coordinatorP95Ms: 50, lockWaitP95Ms: 5, shadowAddedPct: 5 }

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const round = (value: number) => Math.round(value * 100) / 100
const median = (values: number[]) => percentile(values, 50)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Twelve two-tops in a chain and four four-tops: seats a few dozen parties per slot. */
function floor(name: string) {
  const twos = Array.from({ length: 12 }, (_, i) => ({ key: `T${i + 1}`, zone: 'main', capacity: 2 }))
  const fours = Array.from({ length: 4 }, (_, i) => ({ key: `F${i + 1}`, zone: 'main', capacity: 4, minParty: 2 }))
  return {
    name,
    timezone: 'UTC',
    zones: [{ key: 'main', name: 'Main' }],
    tables: [...twos, ...fours],
    adjacency: [...Array.from({ length: 11 }, (_, i) => [`T${i + 1}`, `T${i + 2}`]), ['F1', 'F2'], ['F3', 'F4']],
  }
}

async function freshEngine(env: Record<string, string>): Promise<{ engine: Engine; drop(): Promise<void> }> {
  const name = `v3_bench_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const config = loadConfig({
    NODE_ENV: 'test',
    MAITRE_DEMO: '0',
    DATA_DIR: './tmp/bench-data',
    SESSION_SECRET: BENCH_SESSION_SECRET,
    MAITRE_API_TOKEN: 'bench-token-123',
    DATABASE_URL: url.toString(),
    FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1',
    ...(REDIS_LOCKS ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } : {}),
    ...env,
  })
  const engine = await createEngine(config, {
    retryTimings: { transientBaseMs: 50, capacitySpacingMs: 200, maxAttempts: 3 },
    workerConcurrency: 8,
  })
  for (let r = 0; r < RESTAURANTS; r++) await engine.restaurants.putFloor(`bench-${r}`, floor(`Bench ${r}`))
  return {
    engine,
    async drop() {
      await engine.close()
      const client = new pg.Client({ connectionString: ADMIN_URL })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

/** 200 bookings at once: 4 restaurants x 2 slots, parties of 2 to 4. Returns each intake's latency. */
async function burst(engine: Engine) {
  const day = new Date(Date.now() + 3 * 86_400_000)
  day.setUTCHours(19, 0, 0, 0)
  const started = performance.now()
  const latencies = await Promise.all(
    Array.from({ length: BOOKINGS }, async (_, i) => {
      const t0 = performance.now()
      await engine.bookings.create({
        restaurant: `bench-${i % RESTAURANTS}`,
        startAt: new Date(day.getTime() + (Math.floor(i / RESTAURANTS) % 2) * 3 * 3_600_000).toISOString(),
        partySize: 2 + (i % 3),
        guest: { name: `Guest ${i}`, email: `guest${i}@example.com` },
      })
      return performance.now() - t0
    }),
  )
  return { latencies, wallMs: performance.now() - started }
}

async function rows(engine: Engine, text: string) {
  return (await engine.database.executeSql(text)).rows
}

async function settle(engine: Engine, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [open] = await rows(
      engine,
      `select count(*)::int as n from bookings where status = 'pending_allocation'
        and assignment_state not in ('manual_review', 'failed')`,
    )
    if (Number(open!.n) === 0) return true
    if (Date.now() > deadline) return false
    await sleep(100)
  }
}

async function invariants(engine: Engine) {
  const [overlaps] = await rows(
    engine,
    `select count(*)::int as n from table_allocations a join table_allocations b
      on a.table_id = b.table_id and a.id < b.id and a."window" && b."window"
     where a.released_at is null and b.released_at is null`,
  )
  const states = await rows(engine, `select assignment_state as state, count(*)::int as n from bookings group by 1`)
  const [emails] = await rows(
    engine,
    `select
      count(*) filter (where b.status = 'confirmed' and e.n <> 1)::int as wrong_confirmed,
      count(*) filter (where b.status <> 'confirmed' and e.n <> 0)::int as wrong_other
      from bookings b cross join lateral (select count(*)::int as n from email_outbox o
        where o.booking_id = b.id and o.kind = 'confirmation') e`,
  )
  const [total] = await rows(engine, `select count(*)::int as n from bookings`)
  return {
    bookings: Number(total!.n),
    doubleBookings: Number(overlaps!.n),
    states: Object.fromEntries(states.map((s) => [s.state as string, Number(s.n)])),
    emailMismatches: Number(emails!.wrong_confirmed) + Number(emails!.wrong_other),
  }
}

/** From the booking's insert to its confirm, over the confirmed bookings: what a guest waits, inline or not. */
async function timeToConfirm(engine: Engine) {
  const found = await rows(
    engine,
    `select extract(epoch from (confirmed_at - created_at)) * 1000 as ms from bookings where status = 'confirmed'`,
  )
  const values = found.map((row) => Number(row.ms))
  return { confirmP50Ms: round(percentile(values, 50)), confirmP95Ms: round(percentile(values, 95)) }
}

/** How intake's inline step ended: confirmed, or queued with its reason (INTAKE_BUSY: left to the job). */
async function inlineAnswers(engine: Engine) {
  const found = await rows(
    engine,
    `select case when context->>'outcome' = 'confirmed' then 'confirmed'
                 else context->>'outcome' || ':' || coalesce(context->>'reason', '-') end as answer, count(*)::int as n
       from observability_events where event_type = 'inline_auto_assign.finished' group by 1`,
  )
  return Object.fromEntries(found.map((row) => [row.answer as string, Number(row.n)]))
}

/** Every coordinator run's final event: its duration, lock wait, and whether it took the lock. */
async function coordinatorEvents(engine: Engine) {
  return rows(
    engine,
    `select event_type, (context->>'duration_ms')::float8 as duration, (context->>'lock_wait_ms')::float8 as lock_wait,
            coalesce((context->>'locked')::boolean, true) as locked, context->>'trigger' as trigger,
            context->>'outcome' as outcome, context->>'reason' as reason
       from observability_events where event_type in ('coordinator.finished', 'coordinator.retry', 'coordinator.noop')`,
  )
}

/**
 * Coordinator duration (lock wait included) over every run, and over the runs that took the lock
 * (a bulkhead refusal the process saw coming answers before the lock, in well under a
 * millisecond); lock wait over the runs that asked for the lock.
 */
function coordinatorStats(events: Array<Record<string, unknown>>) {
  const locked = events.filter((e) => e.locked === true)
  const byTrigger = (trigger: string) => locked.filter((e) => e.trigger === trigger).map((e) => Number(e.duration))
  return {
    coordinatorRuns: events.length,
    answeredBeforeLock: events.length - locked.length,
    coordinatorP50Ms: round(
      percentile(
        events.map((e) => Number(e.duration)),
        50,
      ),
    ),
    coordinatorP95Ms: round(
      percentile(
        events.map((e) => Number(e.duration)),
        95,
      ),
    ),
    lockedRunsP50Ms: round(
      percentile(
        locked.map((e) => Number(e.duration)),
        50,
      ),
    ),
    lockedRunsP95Ms: round(
      percentile(
        locked.map((e) => Number(e.duration)),
        95,
      ),
    ),
    inlineLockedP95Ms: round(percentile(byTrigger('inline'), 95)),
    jobLockedP95Ms: round(percentile(byTrigger('job'), 95)),
    lockWaitP95Ms: round(
      percentile(
        locked.map((e) => Number(e.lock_wait)),
        95,
      ),
    ),
  }
}

async function v3Run() {
  const { engine, drop } = await freshEngine({ FEATURE_ASSIGNMENT_PIPELINE_V3: '1' })
  try {
    const restaurantIds = (await rows(engine, `select id::text from restaurants`)).map((r) => r.id as string)
    const maxSeen = new Map(restaurantIds.map((id) => [id, 0]))
    let samples = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const live = await engine.v3.resilience.bulkhead.inFlight()
        for (const [id, n] of live) maxSeen.set(id, Math.max(maxSeen.get(id) ?? 0, n))
        samples++
        await sleep(5)
      }
    })()
    // how late the event loop ran its callbacks: what a lock's answer waited before the run read it
    const loopDelay = monitorEventLoopDelay({ resolution: 1 })
    loopDelay.enable()
    const { latencies, wallMs } = await burst(engine)
    const settled = await settle(engine)
    loopDelay.disable()
    sampling = false
    await sampler
    await engine.events.flush()
    const events = await coordinatorEvents(engine)
    const outcomes: Record<string, number> = {}
    for (const e of events) {
      const key =
        e.event_type === 'coordinator.finished' ? String(e.outcome) : `${String(e.event_type).slice(12)}:${e.reason}`
      outcomes[key] = (outcomes[key] ?? 0) + 1
    }
    const [attempts] = await rows(
      engine,
      `select count(*) filter (where pipeline <> 'v3')::int as non_v3 from assignment_attempts`,
    )
    return {
      settled,
      wallMs: round(wallMs),
      intakeP95Ms: round(percentile(latencies, 95)),
      ...coordinatorStats(events),
      eventLoopDelayP95Ms: round(loopDelay.percentile(95) / 1e6),
      inlineAnswers: await inlineAnswers(engine),
      ...(await timeToConfirm(engine)),
      maxInFlightPerRestaurant: Math.max(...maxSeen.values()),
      maxParallel: await engine.flags.number('assignment.pipeline_v3_max_parallel', {}),
      bulkheadSamples: samples,
      outcomes,
      nonV3Attempts: Number(attempts!.non_v3),
      ...(await invariants(engine)),
    }
  } finally {
    await drop()
  }
}

/** The same 200 bookings paced at 40/s: the coordinator's latency when the machine is not saturated. */
async function v3PacedRun() {
  const { engine, drop } = await freshEngine({ FEATURE_ASSIGNMENT_PIPELINE_V3: '1' })
  try {
    const day = new Date(Date.now() + 3 * 86_400_000)
    day.setUTCHours(19, 0, 0, 0)
    const pending: Promise<unknown>[] = []
    for (let i = 0; i < BOOKINGS; i++) {
      pending.push(
        engine.bookings.create({
          restaurant: `bench-${i % RESTAURANTS}`,
          startAt: new Date(day.getTime() + (Math.floor(i / RESTAURANTS) % 2) * 3 * 3_600_000).toISOString(),
          partySize: 2 + (i % 3),
          guest: { name: `Guest ${i}`, email: `guest${i}@example.com` },
        }),
      )
      await sleep(25)
    }
    await Promise.all(pending)
    const settled = await settle(engine)
    await engine.events.flush()
    const events = await coordinatorEvents(engine)
    return {
      settled,
      ...coordinatorStats(events),
      inlineAnswers: await inlineAnswers(engine),
      ...(await timeToConfirm(engine)),
      ...(await invariants(engine)),
    }
  } finally {
    await drop()
  }
}

async function legacyRun(shadow: boolean) {
  const { engine, drop } = await freshEngine(shadow ? { FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW: '1' } : {})
  try {
    const { latencies, wallMs } = await burst(engine)
    await engine.v3.shadow.drain()
    const settled = await settle(engine)
    const [compared] = await rows(
      engine,
      `select count(*)::int as n, count(*) filter (where match)::int as matched,
        count(*) filter (where mismatch_kind = 'error')::int as errors from shadow_comparisons`,
    )
    return {
      shadow,
      settled,
      wallMs: round(wallMs),
      intakeP50Ms: round(percentile(latencies, 50)),
      intakeP95Ms: round(percentile(latencies, 95)),
      comparisons: Number(compared!.n),
      matched: Number(compared!.matched),
      shadowErrors: Number(compared!.errors),
      ...(await invariants(engine)),
    }
  } finally {
    await drop()
  }
}

const loadAtStart = os.loadavg().map(round)
const v3Runs = []
const pacedRuns = []
const legacyRuns: Array<Awaited<ReturnType<typeof legacyRun>> & { load1: number }> = []
const shadowRuns: typeof legacyRuns = []
for (let run = 0; run < RUNS; run++) {
  if (runs('v3')) {
    v3Runs.push({ ...(await v3Run()), load1: round(os.loadavg()[0]!) })
    console.log('v3', JSON.stringify(v3Runs.at(-1)))
  }
  if (runs('paced')) {
    pacedRuns.push({ ...(await v3PacedRun()), load1: round(os.loadavg()[0]!) })
    console.log('v3 paced', JSON.stringify(pacedRuns.at(-1)))
  }
  if (runs('shadow')) {
    // alternate legacy and shadow so drift on the machine hits both alike
    legacyRuns.push({ ...(await legacyRun(false)), load1: round(os.loadavg()[0]!) })
    console.log('legacy', JSON.stringify(legacyRuns.at(-1)))
    shadowRuns.push({ ...(await legacyRun(true)), load1: round(os.loadavg()[0]!) })
    console.log('shadow', JSON.stringify(shadowRuns.at(-1)))
  }
}
if (ONLY !== null) process.exit(0)

const legacyP95 = median(legacyRuns.map((r) => r.intakeP95Ms))
const shadowP95 = median(shadowRuns.map((r) => r.intakeP95Ms))
const report = {
  at: new Date().toISOString(),
  // the machine is shared: the load average says how much of it the benchmark had
  loadAverage: { start: loadAtStart, end: os.loadavg().map(round) },
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  scenario: {
    bookings: BOOKINGS,
    restaurants: RESTAURANTS,
    runs: RUNS,
    driver: 'postgres',
    locks: REDIS_LOCKS ? 'redis' : 'advisory',
  },
  targets: TARGETS,
  v3: {
    intakeP95Ms: median(v3Runs.map((r) => r.intakeP95Ms)),
    confirmP95Ms: median(v3Runs.map((r) => r.confirmP95Ms)),
    coordinatorP95Ms: median(v3Runs.map((r) => r.coordinatorP95Ms)),
    lockedRunsP95Ms: median(v3Runs.map((r) => r.lockedRunsP95Ms)),
    lockWaitP95Ms: median(v3Runs.map((r) => r.lockWaitP95Ms)),
    eventLoopDelayP95Ms: median(v3Runs.map((r) => r.eventLoopDelayP95Ms)),
    maxInFlightPerRestaurant: Math.max(...v3Runs.map((r) => r.maxInFlightPerRestaurant)),
    doubleBookings: Math.max(...v3Runs.map((r) => r.doubleBookings)),
    lost: v3Runs.filter((r) => !r.settled || r.bookings !== BOOKINGS).length,
    emailMismatches: Math.max(...v3Runs.map((r) => r.emailMismatches)),
    runs: v3Runs,
  },
  v3Paced: {
    ratePerSecond: 40,
    coordinatorP95Ms: median(pacedRuns.map((r) => r.coordinatorP95Ms)),
    lockedRunsP95Ms: median(pacedRuns.map((r) => r.lockedRunsP95Ms)),
    lockWaitP95Ms: median(pacedRuns.map((r) => r.lockWaitP95Ms)),
    confirmP95Ms: median(pacedRuns.map((r) => r.confirmP95Ms)),
    doubleBookings: Math.max(...pacedRuns.map((r) => r.doubleBookings)),
    emailMismatches: Math.max(...pacedRuns.map((r) => r.emailMismatches)),
    runs: pacedRuns,
  },
  shadow: {
    legacyIntakeP95Ms: legacyP95,
    shadowIntakeP95Ms: shadowP95,
    addedPct: round(((shadowP95 - legacyP95) / legacyP95) * 100),
    // each shadow run against the legacy run just before it: less exposed to the machine's drift
    pairedAddedPct: legacyRuns.map((legacy, i) =>
      round(((shadowRuns[i]!.intakeP95Ms - legacy.intakeP95Ms) / legacy.intakeP95Ms) * 100),
    ),
    legacyRuns,
    shadowRuns,
  },
}
fs.mkdirSync('bench/results', { recursive: true })
fs.writeFileSync(
  REDIS_LOCKS ? 'bench/results/coordinator-redis-locks.json' : 'bench/results/coordinator.json',
  JSON.stringify(report, null, 2) + '\n',
)
console.log(
  JSON.stringify(
    {
      loadAverage: report.loadAverage,
      v3: { ...report.v3, runs: undefined },
      v3Paced: { ...report.v3Paced, runs: undefined },
      shadow: { ...report.shadow, legacyRuns: undefined, shadowRuns: undefined },
    },
    null,
    2,
  ),
)
