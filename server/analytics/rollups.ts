import { z } from 'zod'
import type { DatabaseHandle } from '../db/client.ts'
import { advanceRollupMark, readRollupMarks } from '../db/queries/rollup-marks.ts'
import { defineAnalyticsQuery } from './define-analytics-query.ts'
import { LN_GAMMA, MIN_VALUE } from './sketch.ts'
import { SERIES, SERIES_NAMES, type SeriesName } from './series.ts'
import { sqlNullableTimestamp } from './sql-values.ts'

export interface RollupOptions {
  /** a minute is rolled once it closed this long ago: the recorder's buffered events have landed */
  graceMs?: number
  /** at most this many minutes per statement (a backfill proceeds in chunks) */
  chunkMinutes?: number
  /** stop after this many chunks in one run (the scheduler's next run continues) */
  maxChunks?: number
  /** raw events older than this are deleted once rolled up; null keeps them */
  retentionMs?: number | null
  /** at most this many raw events deleted per run */
  retentionBatch?: number
  signal?: AbortSignal
}

export interface RollupReport {
  minutesRolled: number
  rolledUntil: Date | null
  eventsDeleted: number
}

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size

const window = z.object({ from: z.date(), to: z.date() })
const noRows = z.object({}).passthrough()

const minuteQueries = new Map(
  SERIES_NAMES.map((name) => [
    name,
    defineAnalyticsQuery({
      sqlFile: 'rollup-minutes',
      factsFile: SERIES[name].factsFile,
      params: window,
      row: noRows,
      values: (p) => [p.from.toISOString(), p.to.toISOString(), SERIES[name].eventTypes, name, LN_GAMMA, MIN_VALUE],
    }),
  ]),
) as Map<SeriesName, ReturnType<typeof defineAnalyticsQuery<typeof window, typeof noRows>>>

const coarsen = defineAnalyticsQuery({
  sqlFile: 'rollup-coarsen',
  params: window.extend({ source: z.enum(['minute', 'hour']), target: z.enum(['hour', 'day']) }),
  row: noRows,
  values: (p) => [
    p.source,
    p.target,
    p.target === 'hour' ? '1 hour' : '1 day',
    p.from.toISOString(),
    p.to.toISOString(),
  ],
})

const firstEvent = defineAnalyticsQuery({
  sqlFile: 'first-event',
  params: z.object({}),
  row: z.object({ first_minute: sqlNullableTimestamp }),
  values: () => [],
})

const retentionDelete = defineAnalyticsQuery({
  sqlFile: 'retention-delete',
  params: z.object({ cutoff: z.date(), batch: z.number().int().min(1) }),
  row: noRows,
  values: (p) => [p.cutoff.toISOString(), p.batch],
})

/**
 * One run of the rollup job (registered on engine.scheduler as 'analytics.rollup'):
 * 1. every closed minute after the minute mark, in chunks, each series in one statement;
 * 2. every hour whose minutes are all rolled, merged from minutes; every such day from hours;
 * 3. raw events older than the retention, once rolled, in one bounded batch.
 * Each step is an idempotent upsert followed by its mark, so a crash between them only redoes
 * work. An event that lands after its minute was rolled (later than graceMs) is not in the
 * rollups: the grace covers the recorder's batching (250 ms) with a wide margin.
 */
export async function runRollup(
  database: DatabaseHandle,
  now: Date,
  options: RollupOptions = {},
): Promise<RollupReport> {
  const graceMs = options.graceMs ?? 5_000
  const chunkMs = (options.chunkMinutes ?? 360) * MINUTE
  const maxChunks = options.maxChunks ?? 48
  const closedUntil = floorTo(now.getTime() - graceMs, MINUTE)
  const marks = await readRollupMarks(database.db)

  let minuteMark: number
  if (marks.minute) minuteMark = marks.minute.getTime()
  else {
    const [row] = await firstEvent.run(database, {})
    minuteMark = row?.first_minute ? row.first_minute.getTime() : closedUntil
    await advanceRollupMark(database.db, 'minute', new Date(minuteMark))
  }
  const firstMinute = minuteMark
  let minutesRolled = 0
  for (let chunk = 0; chunk < maxChunks && minuteMark < closedUntil && !options.signal?.aborted; chunk++) {
    const from = new Date(minuteMark)
    const to = new Date(Math.min(closedUntil, minuteMark + chunkMs))
    for (const name of SERIES_NAMES) await minuteQueries.get(name)!.execute(database, { from, to })
    await advanceRollupMark(database.db, 'minute', to)
    minutesRolled += (to.getTime() - from.getTime()) / MINUTE
    minuteMark = to.getTime()
  }

  const hourStart = marks.hour?.getTime() ?? floorTo(firstMinute, HOUR)
  const hourMark = await coarsenUpTo(database, 'minute', 'hour', marks.hour === null, hourStart, minuteMark, HOUR)
  const dayStart = marks.day?.getTime() ?? floorTo(hourStart, DAY)
  await coarsenUpTo(database, 'hour', 'day', marks.day === null, dayStart, hourMark, DAY)

  let eventsDeleted = 0
  if (options.retentionMs) {
    const cutoff = new Date(Math.min(now.getTime() - options.retentionMs, minuteMark))
    eventsDeleted = await retentionDelete.execute(database, { cutoff, batch: options.retentionBatch ?? 20_000 })
  }
  return { minutesRolled, rolledUntil: new Date(minuteMark), eventsDeleted }
}

async function coarsenUpTo(
  database: DatabaseHandle,
  source: 'minute' | 'hour',
  target: 'hour' | 'day',
  firstRun: boolean,
  start: number,
  sourceMark: number,
  size: number,
): Promise<number> {
  const end = floorTo(sourceMark, size)
  if (firstRun) await advanceRollupMark(database.db, target, new Date(start))
  // one target bucket at a time keeps each statement small during a backfill
  let at = start
  while (at < end) {
    const next = Math.min(end, at + (target === 'hour' ? 24 * HOUR : 7 * DAY))
    await coarsen.execute(database, { source, target, from: new Date(at), to: new Date(next) })
    await advanceRollupMark(database.db, target, new Date(next))
    at = next
  }
  return Math.max(start, end)
}
