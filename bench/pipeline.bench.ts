// Booking pipeline benchmark: inline auto-assign latency at a paced 50 bookings/s, sustained
// throughput, and what telemetry costs, on PGlite and on Postgres. Run: npm run bench:pipeline
import fs from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { Worker } from 'node:worker_threads'
import { performance as nodePerformance } from 'node:perf_hooks'
import { type Engine } from '../server/engine.ts'
import { simulatedBooking } from '../server/sim/traffic.ts'
import { seededRandom } from '../server/sim/seeded-random.ts'
import { postBooking, type Sample } from './pipeline/post-booking.ts'
import { BENCH_API_TOKEN, startBenchServer } from './pipeline/bench-server.ts'

const quick = process.argv.includes('--quick')
// --driver=postgres and --throughput-only narrow a run while profiling; results then go to a .tmp file
const driverArg = process.argv.find((arg) => arg.startsWith('--driver='))?.slice('--driver='.length)
const throughputOnly = process.argv.includes('--throughput-only')
// --reseat-compare: the throughput windows alternate re-seating off and on (flag assignment.reseat,
// global rule) on the same server and database, and the report compares the two medians
const reseatCompare = process.argv.includes('--reseat-compare')
const partial = quick || driverArg !== undefined || throughputOnly || reseatCompare
// off/on windows in an ABBA BAAB order: throughput falls as the floors fill, and both settings
// then sit at the same mean position in the run
const RESEAT_ORDER = [0, 1, 1, 0, 1, 0, 0, 1]
const PACED_RATE = 50
const PACED_SECONDS = quick ? 6 : 20
const THROUGHPUT_SECONDS = quick ? 4 : 10
const THROUGHPUT_CONCURRENCY = 24
const THROUGHPUT_RUNS = quick ? 1 : 3
const TELEMETRY_BLOCKS = quick ? 2 : 4
const TELEMETRY_BLOCK_SECONDS = quick ? 3 : 5
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const summary = (values: number[]) => ({
  n: values.length,
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  p99: round(percentile(values, 99)),
  mean: round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)),
})
const round = (value: number) => Math.round(value * 100) / 100
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function setUp(driver: 'pglite' | 'postgres') {
  return startBenchServer({ driver, databasePrefix: 'maitre_bench', dataDirName: 'maitre-bench', workerConcurrency: 4 })
}

/** Open loop: requests leave on schedule whether or not earlier ones have answered. */
async function paced(ctx: Awaited<ReturnType<typeof setUp>>, random: () => number, rate: number, seconds: number) {
  const samples: Promise<Sample>[] = []
  const started = performance.now()
  const total = rate * seconds
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    samples.push(
      postBooking(
        ctx.base,
        ctx.agent,
        BENCH_API_TOKEN,
        JSON.stringify(simulatedBooking(ctx.restaurants, random, new Date(), { horizonDays: 60 })),
      ),
    )
  }
  return Promise.all(samples)
}

/** Closed loop with fixed concurrency, from a separate thread: as fast as the pipeline goes. */
async function saturate(
  ctx: Awaited<ReturnType<typeof setUp>>,
  seed: number,
  concurrency: number,
  seconds: number,
  onStart: () => void = () => {},
) {
  // the worker registers tsx itself: workers do not inherit the TypeScript loader
  const entry = new URL('./pipeline/load-client.ts', import.meta.url).href
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { base: ctx.base, token: BENCH_API_TOKEN, restaurants: ctx.restaurants, concurrency, seconds, seed },
  })
  const samples = await new Promise<Sample[]>((resolve, reject) => {
    worker.on(
      'message',
      (message: { started: true } | { samples: Array<{ inlineMs: number; status: number; outcome: string }> }) => {
        if ('started' in message) onStart()
        else resolve(message.samples.map((s) => ({ ...s, httpMs: NaN })))
      },
    )
    worker.once('error', reject)
  })
  await worker.terminate()
  return { samples, bookingsPerSecond: round(samples.length / seconds) }
}

/** CPU seconds used so far by every postgres process on this machine (0 where /proc is missing). */
function postgresCpuSeconds(): number {
  let ticks = 0
  try {
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
        if (!stat.includes('(postgres)')) continue
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        ticks += Number(fields[11]) + Number(fields[12])
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    return 0
  }
  return ticks / 100
}

async function doubleBookings(engine: Engine): Promise<number> {
  const result = await engine.database.executeSql(`
    select count(*)::int as n from table_allocations a join table_allocations b
      on a.table_id = b.table_id and a.id < b.id and a."window" && b."window"
     where a.released_at is null and b.released_at is null`)
  return Number(result.rows[0]!.n)
}

async function runDriver(driver: 'pglite' | 'postgres') {
  console.log(`\n== ${driver}`)
  const ctx = await setUp(driver)
  const random = seededRandom(driver === 'pglite' ? 7 : 11)
  try {
    await saturate(ctx, 1, 8, quick ? 2 : 4) // warm-up: JIT, caches, connections
    let pacedResult: unknown = null
    let telemetry: unknown = null
    if (!throughputOnly) ({ pacedResult, telemetry } = await latencyRuns(ctx, random))

    // several windows back to back on the same, growing database: "sustained" is their median
    const windows = []
    const reseatWindows: { off: number[]; on: number[] } = { off: [], on: [] }
    for (let run = 0; run < (reseatCompare ? RESEAT_ORDER.length : THROUGHPUT_RUNS); run++) {
      const reseat = reseatCompare && RESEAT_ORDER[run] === 1
      if (reseatCompare) await setReseat(ctx.engine, reseat)
      const searchesBefore = await reseatSearches(ctx.engine)
      const window = await throughputWindow(ctx, 2 + run)
      const searches = await reseatSearches(ctx.engine)
      for (const [result, n] of Object.entries(searchesBefore)) searches[result] = (searches[result] ?? 0) - n
      console.log(
        `throughput window ${run + 1}${reseatCompare ? ` (re-seating ${reseat ? 'on' : 'off'})` : ''}`,
        JSON.stringify(reseatCompare ? { ...window, reseatSearches: searches } : window),
      )
      windows.push(window)
      reseatWindows[reseat ? 'on' : 'off'].push(window.bookingsPerSecond)
    }
    if (reseatCompare) {
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
      const off = median(reseatWindows.off)
      const on = median(reseatWindows.on)
      console.log(
        're-seating',
        JSON.stringify({ ...reseatWindows, medianOff: off, medianOn: on, changePct: round(((on - off) / off) * 100) }),
      )
    }
    const rates = windows.map((window) => window.bookingsPerSecond).sort((a, b) => a - b)
    const throughputResult = {
      concurrency: THROUGHPUT_CONCURRENCY,
      seconds: THROUGHPUT_SECONDS,
      bookingsPerSecond: rates[Math.floor(rates.length / 2)]!,
      minBookingsPerSecond: rates[0]!,
      maxBookingsPerSecond: rates[rates.length - 1]!,
      windows,
    }
    console.log('throughput', JSON.stringify(throughputResult))
    await ctx.engine.events.flush()
    const overlaps = await doubleBookings(ctx.engine)
    const bookingsTotal = Number(
      (await ctx.engine.database.executeSql('select count(*)::int as n from bookings')).rows[0]!.n,
    )
    console.log(`double bookings: ${overlaps} across ${bookingsTotal} bookings`)
    return {
      driver,
      paced: pacedResult,
      telemetry,
      throughput: throughputResult,
      doubleBookings: overlaps,
      bookingsTotal,
    }
  } finally {
    ctx.agent.destroy()
    ctx.server.closeAllConnections()
    await new Promise((resolve) => ctx.server.close(resolve))
    await ctx.engine.close()
    await ctx.drop()
  }
}

async function setReseat(engine: Engine, enabled: boolean) {
  await engine.flags.setRule(
    'assignment.reseat',
    { restaurantId: null },
    { enabled },
    { actor: 'bench', comment: 'bench:pipeline --reseat-compare' },
  )
}

function countOutcomes(samples: Sample[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const sample of samples) counts[sample.outcome] = (counts[sample.outcome] ?? 0) + 1
  return counts
}

/** The engine's re-seating searches so far, by result (intake_busy: shed while intake was busy). */
async function reseatSearches(engine: Engine): Promise<Record<string, number>> {
  const metric = await engine.metrics.registry.getSingleMetric('maitre_reseat_searches_total')?.get()
  return Object.fromEntries((metric?.values ?? []).map((value) => [String(value.labels.result), value.value]))
}

async function throughputWindow(ctx: Awaited<ReturnType<typeof setUp>>, seed: number) {
  // measured from the moment the load client starts its clock (its requests are prepared before)
  let before = { node: process.cpuUsage(), postgres: 0, loop: nodePerformance.eventLoopUtilization() }
  const throughput = await saturate(ctx, seed, THROUGHPUT_CONCURRENCY, THROUGHPUT_SECONDS, () => {
    before = { node: process.cpuUsage(), postgres: postgresCpuSeconds(), loop: nodePerformance.eventLoopUtilization() }
  })
  const nodeCpu = process.cpuUsage(before.node)
  const serverLoop = nodePerformance.eventLoopUtilization(before.loop)
  return {
    bookingsPerSecond: throughput.bookingsPerSecond,
    errors: throughput.samples.filter((s) => s.status !== 201).length,
    outcomes: countOutcomes(throughput.samples),
    inlineMs: summary(throughput.samples.map((s) => s.inlineMs)),
    // busy cores over the window: the server and load-client threads share the node figure
    cpuCores: {
      node: round((nodeCpu.user + nodeCpu.system) / 1e6 / THROUGHPUT_SECONDS),
      postgres: round((postgresCpuSeconds() - before.postgres) / THROUGHPUT_SECONDS),
    },
    // share of the time the server's event loop was busy: near 1, the server thread is the limit
    serverEventLoopUtilization: round(serverLoop.utilization),
  }
}

async function latencyRuns(ctx: Awaited<ReturnType<typeof setUp>>, random: () => number) {
  const pacedSamples = await paced(ctx, random, PACED_RATE, PACED_SECONDS)
  const ok = pacedSamples.filter((s) => s.status === 201)
  const pacedResult = {
    rate: PACED_RATE,
    seconds: PACED_SECONDS,
    bookings: pacedSamples.length,
    errors: pacedSamples.length - ok.length,
    outcomes: Object.fromEntries(
      [...new Set(ok.map((s) => s.outcome))].map((o) => [o, ok.filter((s) => s.outcome === o).length]),
    ),
    inlineMs: summary(ok.map((s) => s.inlineMs)),
    httpMs: summary(ok.map((s) => s.httpMs)),
  }
  console.log('paced', JSON.stringify(pacedResult))

  // telemetry cost: alternate blocks with recording on and off at the same paced rate
  const withTelemetry: number[] = []
  const withoutTelemetry: number[] = []
  for (let block = 0; block < TELEMETRY_BLOCKS * 2; block++) {
    const on = block % 2 === 0
    ctx.engine.events.setRecording(on)
    const samples = await paced(ctx, random, PACED_RATE, TELEMETRY_BLOCK_SECONDS)
    ;(on ? withTelemetry : withoutTelemetry).push(...samples.filter((s) => s.status === 201).map((s) => s.inlineMs))
  }
  ctx.engine.events.setRecording(true)
  const on = summary(withTelemetry)
  const off = summary(withoutTelemetry)
  const telemetry = {
    on,
    off,
    overheadP50Pct: round(((on.p50 - off.p50) / off.p50) * 100),
    overheadMeanPct: round(((on.mean - off.mean) / off.mean) * 100),
  }
  console.log('telemetry', JSON.stringify(telemetry))

  return { pacedResult, telemetry }
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}

const results = []
if (driverArg !== 'postgres') results.push(await runDriver('pglite'))
if (driverArg !== 'pglite') {
  if (await postgresReachable()) results.push(await runDriver('postgres'))
  else console.log(`\nPostgres at ${ADMIN_URL} is not reachable: skipped the Postgres run`)
}

const report = {
  benchmark: 'pipeline',
  at: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  quick,
  partial,
  targets: { inlineP95Ms: 25, postgresBookingsPerSecond: 300, telemetryOverheadPct: 5 },
  results,
}
fs.mkdirSync('bench/results', { recursive: true })
const file = partial ? 'bench/results/pipeline.partial.tmp.json' : 'bench/results/pipeline.json'
fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
console.log(`\nwrote ${file}`)
process.exit(0)
