// Planner isolation benchmark (`npm run bench:planner-isolation`, about a minute): HTTP latency of
// ordinary bookings while expensive planner quotes run in the same process (issue 9, item 3).
//
// The server (engine, HTTP API, job worker, outbox; embedded PGlite; the demo restaurants) takes
// paced bookings, open loop, in three phases of the same length:
//   1. alone;
//   2. beside expensive quotes run on the event loop with plain quoteTables (how every quote ran
//      before issue 9);
//   3. beside the same quotes sent through the quote pool that server/assignment/quote.ts uses
//      (inline under a branch budget, else on a worker thread).
// The expensive quotes are floors the planner has no proven shortcut for: a clique of 2-tops
// each with a private 1-top beside it (no twins, no closed nodes), 30-60 of them, maxTables 6,
// party 10-11: tens to hundreds of milliseconds each. They are small enough to start inline, so
// the pool first spends its branch budget on them, then moves them to the worker.
// Then an abort check: a quote that would run for minutes is aborted after 200 ms and the
// worker's thread must be gone (a new one takes the next quote).
// Writes bench/results/planner-isolation.json and the "Planner isolation" section of bench/README.md.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { quoteTables, type QuoteInput, type TableSpec } from '../planner/index.ts'
import { simulatedBooking } from '../server/sim/traffic.ts'
import { seededRandom } from '../server/sim/seeded-random.ts'
import { sharedQuotePool } from '../server/assignment/quote-pool.ts'
import { postBooking, type Sample } from './pipeline/post-booking.ts'
import { BENCH_API_TOKEN, startBenchServer } from './pipeline/bench-server.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
// --driver=postgres: the database works in its own process, so the event loop carries only the
// engine's own work (with PGlite, the default, queries run on the event loop too)
const driver = process.argv.includes('--driver=postgres') ? 'postgres' : 'pglite'
const RATE = 20
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 8)
/** expensive quotes in flight on the pool at most (the pool has one worker): no backlog */
const MAX_IN_FLIGHT = 2
/** one expensive quote is started every this many ms in phases 2 and 3 */
const ADVERSARIAL_EVERY_MS = 250

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}
const summary = (values: number[]) => ({
  n: values.length,
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  p99: round(percentile(values, 99)),
  max: round(Math.max(...values)),
})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** 2-tops in a clique, each with a private 1-top beside it; random ids and busy tables. */
function pendantClique(rng: () => number, n: number): QuoteInput {
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  const ids = new Set<string>()
  while (ids.size < 2 * n) ids.add(`x${Math.floor(rng() * 100 * n)}`)
  const list = [...ids]
  for (let i = 0; i < n; i++) {
    const c = list[2 * i] as string
    const p = list[2 * i + 1] as string
    tables.push({ id: c, zoneId: 'hall', capacity: 2 }, { id: p, zoneId: 'hall', capacity: 1 })
    adjacency.push([c, p])
    for (let j = 0; j < i; j++) adjacency.push([list[2 * j] as string, c])
  }
  const window = { start: Date.UTC(2026, 11, 1, 19), end: Date.UTC(2026, 11, 1, 21) }
  const busy = tables.filter(() => rng() < 0.1).map((t) => ({ tableId: t.id, ...window }))
  return { tables, adjacency, busy, window, partySize: 11, maxTables: 6, floorVersion: `pendants-${n}-${list[0]}` }
}

function setUp() {
  return startBenchServer({
    driver,
    databasePrefix: 'planner_isolation',
    dataDirName: 'maitre-bench-isolation',
    workerConcurrency: 2,
  })
}

type Mode = 'none' | 'event-loop' | 'pool'

async function phase(ctx: Awaited<ReturnType<typeof setUp>>, mode: Mode, seed: number, seconds = PHASE_SECONDS) {
  const random = seededRandom(seed)
  const adversarialRng = seededRandom(seed + 1)
  const floors = [30, 45, 60].map((n) => pendantClique(adversarialRng, n))
  const delay = monitorEventLoopDelay({ resolution: 5 })
  const quoteMs: number[] = []
  let stop = false
  const adversarial = (async () => {
    if (mode === 'none') return
    const pending: Promise<void>[] = []
    let inFlight = 0
    for (let i = 0; !stop; i++) {
      const input = { ...(floors[i % floors.length] as QuoteInput), partySize: 10 + (i % 2) }
      const started = performance.now()
      if (mode === 'event-loop') {
        quoteTables(input)
        quoteMs.push(performance.now() - started)
      } else if (inFlight < MAX_IN_FLIGHT) {
        inFlight++
        pending.push(
          sharedQuotePool()
            .quote(input)
            .then(() => {
              inFlight--
              quoteMs.push(performance.now() - started)
            }),
        )
      }
      await sleep(ADVERSARIAL_EVERY_MS)
    }
    await Promise.all(pending)
  })()
  delay.enable()
  const samples: Promise<Sample>[] = []
  const started = performance.now()
  for (let i = 0; i < RATE * seconds; i++) {
    const wait = started + (i * 1000) / RATE - performance.now()
    if (wait > 0) await sleep(wait)
    const body = JSON.stringify(simulatedBooking(ctx.restaurants, random, new Date(), { horizonDays: 60 }))
    samples.push(postBooking(ctx.base, ctx.agent, BENCH_API_TOKEN, body))
  }
  const done = await Promise.all(samples)
  delay.disable()
  stop = true
  await adversarial
  const ok = done.filter((s) => s.status === 201 || s.status === 200)
  return {
    mode,
    bookings: done.length,
    okPct: round((100 * ok.length) / done.length, 1),
    httpMs: summary(done.map((s) => s.httpMs)),
    eventLoopDelayMs: {
      p50: round(delay.percentile(50) / 1e6),
      p99: round(delay.percentile(99) / 1e6),
      max: round(delay.max / 1e6),
    },
    adversarialQuotes: quoteMs.length,
    adversarialQuoteMs: quoteMs.length > 0 ? summary(quoteMs) : null,
  }
}

/** A quote that would search for minutes, aborted after 200 ms: the worker must be replaced. */
async function abortCheck() {
  const pool = sharedQuotePool()
  const before = { ...pool.counters }
  const huge = { ...pendantClique(seededRandom(99), 200), partySize: 15, maxTables: 8 }
  const controller = new AbortController()
  const started = performance.now()
  const running = pool.quote({ ...huge, signal: controller.signal })
  setTimeout(() => controller.abort(new Error('deadline')), 200)
  let rejectedAfterMs = NaN
  let error = ''
  try {
    await running
  } catch (e) {
    rejectedAfterMs = performance.now() - started
    error = (e as Error).name
  }
  // the next offloaded quote needs a new worker: the aborted one was terminated
  const next = await pool.quote({ ...pendantClique(seededRandom(7), 100) })
  return {
    rejectedAfterMs: round(rejectedAfterMs),
    error,
    workersStartedForTheNextQuote: pool.counters.workersStarted - before.workersStarted,
    nextQuoteOk: next.ok,
  }
}

async function main() {
  const ctx = await setUp()
  const pool = sharedQuotePool()
  pool.warm()
  try {
    await phase(ctx, 'none', 1, 3) // warm-up: JIT, caches, connections
    for (const floor of [30, 45, 60].map((n) => pendantClique(seededRandom(3), n))) await pool.quote(floor)
    const phases = []
    for (const [mode, seed] of [
      ['none', 11],
      ['event-loop', 12],
      ['pool', 13],
    ] as const) {
      const result = await phase(ctx, mode, seed)
      console.log(JSON.stringify(result))
      phases.push(result)
    }
    const abort = await abortCheck()
    console.log('abort', JSON.stringify(abort))
    const report = {
      generatedAt: new Date().toISOString(),
      driver,
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        node: process.version,
        loadAverageAtEnd: os.loadavg().map((x) => round(x)),
      },
      method:
        `Engine (${driver === 'postgres' ? 'local Postgres' : 'embedded PGlite'}) + HTTP API in one process, demo restaurants; ${RATE} bookings/s open loop for ${PHASE_SECONDS} s ` +
        `per phase; in phases 2 and 3 one expensive quote (pendant clique of 30/45/60 2-tops, maxTables 6, party ` +
        `10-11) starts every ${ADVERSARIAL_EVERY_MS} ms (through the pool: while fewer than ${MAX_IN_FLIGHT} are in flight). Event-loop delay from monitorEventLoopDelay (5 ms resolution).`,
      phases,
      abort,
      poolCounters: { ...pool.counters },
    }
    fs.mkdirSync(path.join(here, 'results'), { recursive: true })
    fs.writeFileSync(
      path.join(here, 'results', `planner-isolation-${driver}.json`),
      `${JSON.stringify(report, null, 2)}\n`,
    )
    writeReadme(report)
  } finally {
    await pool.close()
    await new Promise<void>((resolve) => ctx.server.close(() => resolve()))
    ctx.agent.destroy()
    await ctx.engine.close()
    await ctx.drop()
  }
}

function writeReadme(report: {
  generatedAt: string
  machine: { cpu: string; cores: number; node: string; loadAverageAtEnd: number[] }
  method: string
  phases: Array<Awaited<ReturnType<typeof phase>>>
  abort: Awaited<ReturnType<typeof abortCheck>>
}) {
  const label: Record<Mode, string> = {
    none: 'bookings alone',
    'event-loop': 'beside expensive quotes on the event loop (before)',
    pool: 'beside the same quotes through the quote pool (now)',
  }
  const section = [
    `<!-- planner-isolation-${driver}:start -->`,
    `## Planner isolation, ${driver === 'postgres' ? 'Postgres' : 'PGlite'} (\`npm run bench:planner-isolation${driver === 'postgres' ? ' -- --driver=postgres' : ''}\`)`,
    '',
    'HTTP latency of ordinary bookings while expensive planner quotes run in the same process (issue 9, ADR 012). ' +
      `Raw numbers: \`bench/results/planner-isolation-${driver}.json\`. Machine: ${report.machine.cpu}, ${report.machine.cores} ` +
      `cores, Node ${report.machine.node}; generated ${report.generatedAt}; load average at the end ` +
      `${report.machine.loadAverageAtEnd.join(' / ')} (shared machine: noisy).`,
    '',
    report.method,
    '',
    '| phase | bookings | ok % | HTTP p50 ms | HTTP p95 ms | HTTP p99 ms | HTTP max ms | event-loop delay p99 / max ms | expensive quotes | their time p50 / max ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.phases.map(
      (p) =>
        `| ${label[p.mode]} | ${p.bookings} | ${p.okPct} | ${p.httpMs.p50} | ${p.httpMs.p95} | ${p.httpMs.p99} | ${p.httpMs.max} | ` +
        `${p.eventLoopDelayMs.p99} / ${p.eventLoopDelayMs.max} | ${p.adversarialQuotes} | ` +
        `${p.adversarialQuoteMs ? `${p.adversarialQuoteMs.p50} / ${p.adversarialQuoteMs.max}` : '-'} |`,
    ),
    '',
    `Abort: a quote that would search for minutes (pendant clique of 200, maxTables 8) was aborted after 200 ms; its ` +
      `promise rejected ${report.abort.rejectedAfterMs} ms after the start (${report.abort.error}), and the next ` +
      `offloaded quote started ${report.abort.workersStartedForTheNextQuote} new worker (the aborted one was terminated).`,
    `<!-- planner-isolation-${driver}:end -->`,
  ].join('\n')
  const readmePath = path.join(here, 'README.md')
  let readme = fs.readFileSync(readmePath, 'utf8')
  const marked = new RegExp(
    `<!-- planner-isolation-${driver}:start -->[\\s\\S]*<!-- planner-isolation-${driver}:end -->`,
  )
  if (marked.test(readme)) readme = readme.replace(marked, section)
  else readme = readme.replace('<!-- planner:end -->', `<!-- planner:end -->\n\n${section}`)
  fs.writeFileSync(readmePath, readme)
}

await main()
