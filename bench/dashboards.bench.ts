/**
 * Dashboards at scale: 5 million events over 30 days on Postgres, in a scratch database
 * (analytics_bench_*, dropped at the end). Measures, after the rollup backfill:
 * - every catalogue metric read (engine.analytics.read) over 24 h and 30 days;
 * - every dashboard page's loader over 24 h and 30 days;
 * - the rollup lag while events keep arriving (the scheduler's 15 s cadence, 5 s grace).
 * Targets (issue 12): p95 <= 150 ms (24 h) and <= 400 ms (30 days); lag <= 60 s.
 * Run: npm run bench:dashboards [-- --events=N] (DATABASE_URL: the server's admin URL).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../server/config.ts'
import { createEngine, type Engine } from '../server/engine.ts'
import { METRIC_DEFINITIONS } from '../server/analytics/metric-definitions.ts'
import { PAGE_LOADERS } from './dashboards/page-loaders.ts'

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const eventsArg = process.argv.find((a) => a.startsWith('--events='))
const TOTAL = eventsArg ? Number(eventsArg.split('=')[1]) : 5_000_000
const DAYS = 30
const RUNS = 9
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 100)
const TARGET = { '24h': 150, '30d': 400 } as const
const generateSql = fs.readFileSync(path.resolve('bench/dashboards/generate-events.sql'), 'utf8')

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!
}
const round = (v: number) => Math.round(v * 10) / 10

async function time(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn() // warm-up: plans cached, pages in the buffer cache
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return { median: round(quantile(samples, 0.5)), p95: round(quantile(samples, 0.95)) }
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function main() {
  const name = `analytics_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`
  await admin((c) => c.query(`create database ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  let engine: Engine | undefined
  try {
    engine = await createEngine(
      loadConfig({
        NODE_ENV: 'test',
        MAITRE_DEMO: '0',
        DATABASE_URL: url.toString(),
        ANALYTICS_RAW_RETENTION_DAYS: '0',
      }),
      { workers: false },
    )
    await engine.scheduler.stop() // the bench drives the rollup itself
    const floor = (i: number) => ({
      name: `Bench ${i}`,
      timezone: 'Europe/Paris',
      zones: [{ key: 'main', name: 'Main' }],
      tables: [{ key: 'T1', zone: 'main', capacity: 4 }],
      adjacency: [],
    })
    for (let i = 0; i < 20; i++) await engine.restaurants.putFloor(`bench-${i}`, floor(i))
    const restaurantIds = (await engine.restaurants.list()).map((r) => r.id)

    const now = new Date()
    const start = new Date(now.getTime() - DAYS * 86_400_000)
    const generated = performance.now()
    const chunk = 500_000
    for (let offset = 0; offset < TOTAL; offset += chunk) {
      await engine.database.executeSql(generateSql, [
        start.toISOString(),
        DAYS * 86_400 - 120, // the last two minutes stay empty: the lag phase fills them live
        TOTAL,
        offset,
        Math.min(chunk, TOTAL - offset),
        restaurantIds,
      ])
      process.stdout.write(`\rgenerated ${Math.min(TOTAL, offset + chunk).toLocaleString()} events`)
    }
    await engine.database.executeSql('analyze observability_events')
    const generateSeconds = (performance.now() - generated) / 1000
    console.log(` in ${generateSeconds.toFixed(0)} s`)

    const backfillStart = performance.now()
    let report
    do {
      report = await engine.analytics.rollup(new Date(), { maxChunks: 8 })
      process.stdout.write(`\rrolled up to ${report.rolledUntil?.toISOString()}`)
    } while (report.minutesRolled > 0)
    await engine.database.executeSql('analyze observability_rollups')
    const backfillSeconds = (performance.now() - backfillStart) / 1000
    console.log(` in ${backfillSeconds.toFixed(0)} s`)

    const restaurantId = restaurantIds[0]!
    // as the pages do (app/utils/dashboard-filters.ts resolveRange): 24 h from a whole minute,
    // 30 days from a whole hour (minute rollups are kept two days; an older partial hour is raw)
    const align = (ms: number, size: number) => new Date(Math.floor(ms / size) * size)
    const windows = {
      '24h': { from: align(Date.now() - 86_400_000, 60_000), bucketSeconds: 3_600 },
      '30d': { from: align(Date.now() - DAYS * 86_400_000, 3_600_000), bucketSeconds: 86_400 },
    }
    const metrics: Array<Record<string, unknown>> = []
    for (const definition of METRIC_DEFINITIONS) {
      const row: Record<string, unknown> = { metric: definition.name }
      for (const [label, w] of Object.entries(windows)) {
        const query = { from: w.from, to: new Date(), reason: definition.needsReason ? 'NO_AVAILABILITY' : undefined }
        const all = await time(() =>
          engine!.analytics.readSeries(definition.name, { ...query, bucketSeconds: w.bucketSeconds }),
        )
        const one = await time(() =>
          engine!.analytics.readSeries(definition.name, { ...query, restaurantId, bucketSeconds: w.bucketSeconds }),
        )
        row[`${label}_p95_ms`] = Math.max(all.p95, one.p95)
        row[`${label}_median_ms`] = all.median
        row[`${label}_restaurant_median_ms`] = one.median
      }
      metrics.push(row)
      console.log(JSON.stringify(row))
    }

    const pages: Array<Record<string, unknown>> = []
    for (const page of PAGE_LOADERS) {
      const row: Record<string, unknown> = { page: page.path }
      for (const window of ['24h', '30d'] as const) {
        const t = await time(() => page.load(engine!, window))
        row[`${window}_p95_ms`] = t.p95
        row[`${window}_median_ms`] = t.median
      }
      pages.push(row)
      console.log(JSON.stringify(row))
    }

    // rollup lag: events arrive every 100 ms for LAG_SECONDS while the rollup runs every 15 s,
    // as on the scheduler; lag = when a minute became readable from rollups - when it closed
    const lags: number[] = []
    const runDurations: number[] = []
    const stopAt = Date.now() + LAG_SECONDS * 1000
    let nextRollup = Date.now()
    let lastMark = (await engine.analytics.rollup(new Date())).rolledUntil!.getTime()
    while (Date.now() < stopAt) {
      await engine.database.executeSql(
        `insert into observability_events (occurred_at, source, event_type, restaurant_id, context)
         values (now(), 'bench', 'auto_assign.quote', $1, '{"planner_duration_ms": 3, "success": true, "trigger": "inline"}')`,
        [restaurantId],
      )
      if (Date.now() >= nextRollup) {
        const started = performance.now()
        const { rolledUntil } = await engine.analytics.rollup(new Date())
        runDurations.push(performance.now() - started)
        const mark = rolledUntil!.getTime()
        for (let minuteEnd = lastMark + 60_000; minuteEnd <= mark; minuteEnd += 60_000)
          lags.push((Date.now() - minuteEnd) / 1000)
        lastMark = mark
        nextRollup += 15_000
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }

    const worst = (key: string) => Math.max(...[...metrics, ...pages].map((r) => Number(r[key])))
    const result = {
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        node: process.version,
        load: os.loadavg().map(round),
      },
      events: TOTAL,
      days: DAYS,
      restaurants: restaurantIds.length,
      runsPerMeasurement: RUNS,
      generateSeconds: round(generateSeconds),
      backfillSeconds: round(backfillSeconds),
      targets: { p95_24h_ms: TARGET['24h'], p95_30d_ms: TARGET['30d'], lag_s: 60 },
      worst: {
        p95_24h_ms: worst('24h_p95_ms'),
        p95_30d_ms: worst('30d_p95_ms'),
        lag_s: lags.length ? round(Math.max(...lags)) : null,
      },
      rollupRunMedianMs: runDurations.length ? round(quantile(runDurations, 0.5)) : null,
      lagsSeconds: lags.map(round),
      pass:
        worst('24h_p95_ms') <= TARGET['24h'] &&
        worst('30d_p95_ms') <= TARGET['30d'] &&
        lags.length > 0 &&
        Math.max(...lags) <= 60,
      metrics,
      pages,
    }
    fs.mkdirSync('bench/results', { recursive: true })
    const file = TOTAL === 5_000_000 ? 'bench/results/dashboards.json' : 'bench/results/dashboards.partial.tmp.json'
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
    console.log(JSON.stringify({ worst: result.worst, pass: result.pass, file }))
  } finally {
    await engine?.close().catch(() => {})
    await admin((c) => c.query(`drop database if exists ${name} with (force)`))
  }
}

await main()
