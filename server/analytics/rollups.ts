import { z } from 'zod'
import type { DatabaseHandle } from '../db/client.ts'
import { advanceRollupMark, readRollupMarks } from '../db/queries/rollup-marks.ts'
import { defineAnalyticsQuery } from './define-analytics-query.ts'
import { LN_GAMMA, MIN_VALUE } from './sketch.ts'
import { SERIES, SERIES_NAMES } from './series.ts'
import { sqlNullableTimestamp } from './sql-values.ts'

export interface RollupOptions {
  /** a minute is rolled once it closed this long ago: the recorder's buffered events have landed */
  graceMs?: number
  /** at most this many minutes per statement (a backfill proceeds in chunks) */
  chunkMinutes?: number
  /** stop after this many chunks in one run (the scheduler's next run continues) */
  maxChunks?: number
  /** minute rollups older than this are dropped (hours keep them); history older than this is rolled by the hour */
  minuteRetentionMs?: number
  /** raw events older than this are deleted once rolled up; null keeps them */
  retentionMs?: number | null
  /** at most this many rows deleted per run and kind */
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
const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size

const window = z.object({ from: z.date(), to: z.date(), grain: z.enum(['minute', 'hour']) })
const noRows = z.object({}).passthrough()

const factQueries = SERIES_NAMES.map((name) =>
  defineAnalyticsQuery({
    sqlFile: 'rollup-facts',
    factsFile: SERIES[name].factsFile,
    params: window,
    row: noRows,
    values: (p) => [
      p.from.toISOString(),
      p.to.toISOString(),
      SERIES[name].eventTypes,
      name,
      LN_GAMMA,
      MIN_VALUE,
      p.grain === 'minute' ? '1 minute' : '1 hour',
      p.grain,
    ],
  }),
)

const coarsen = defineAnalyticsQuery({
  sqlFile: 'rollup-coarsen',
  params: z.object({
    from: z.date(),
    to: z.date(),
    source: z.enum(['minute', 'hour']),
    target: z.enum(['hour', 'day']),
  }),
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

const minuteRetentionDelete = defineAnalyticsQuery({
  sqlFile: 'rollup-minute-retention',
  params: z.object({ cutoff: z.date(), batch: z.number().int().min(1) }),
  row: noRows,
  values: (p) => [p.cutoff.toISOString(), p.batch],
})

/**
 * One run of the rollup job (registered on engine.scheduler as 'analytics.rollup'):
 * 1. every closed minute after the minute mark, in chunks, each series in one statement; history
 *    older than the minute retention (a backfill) is rolled straight into hours instead;
 * 2. every hour whose minutes are all rolled is merged from minutes, every such day from hours;
 * 3. minute rollups older than the minute retention, and raw events older than the raw retention
 *    (once rolled), are dropped in bounded batches.
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
  const batch = options.retentionBatch ?? 20_000
  const minuteRetentionMs = options.minuteRetentionMs ?? 2 * DAY
  const closedUntil = floorTo(now.getTime() - graceMs, MINUTE)
  const horizon = floorTo(now.getTime() - minuteRetentionMs, HOUR)
  const marks = await readRollupMarks(database.db)
  const db = database.db

  let minuteMark: number
  if (marks.minute) minuteMark = marks.minute.getTime()
  else {
    const [row] = await firstEvent.run(database, {})
    minuteMark = row?.first_minute ? row.first_minute.getTime() : closedUntil
    await advanceRollupMark(db, 'minute', new Date(minuteMark))
    await advanceRollupMark(db, 'hour', new Date(floorTo(minuteMark, HOUR)))
    await advanceRollupMark(db, 'day', new Date(floorTo(minuteMark, DAY)))
  }
  let hourMark = marks.hour?.getTime() ?? floorTo(minuteMark, HOUR)
  let dayMark = marks.day?.getTime() ?? floorTo(minuteMark, DAY)

  const coarsenHours = async () => {
    const end = floorTo(minuteMark, HOUR)
    for (let at = hourMark; at < end;) {
      const next = Math.min(end, at + DAY)
      await coarsen.execute(database, { source: 'minute', target: 'hour', from: new Date(at), to: new Date(next) })
      await advanceRollupMark(db, 'hour', new Date(next))
      at = hourMark = next
    }
  }

  let minutesRolled = 0
  for (let chunk = 0; chunk < maxChunks && minuteMark < closedUntil && !options.signal?.aborted; chunk++) {
    const byHour = minuteMark < horizon && minuteMark % HOUR === 0 && hourMark === minuteMark
    const to = byHour
      ? Math.min(horizon, minuteMark + DAY)
      : Math.min(closedUntil, minuteMark + chunkMs, minuteMark < horizon ? ceilTo(minuteMark + 1, HOUR) : Infinity)
    const range = {
      from: new Date(minuteMark),
      to: new Date(to),
      grain: byHour ? ('hour' as const) : ('minute' as const),
    }
    for (const query of factQueries) await query.execute(database, range)
    await advanceRollupMark(db, 'minute', range.to)
    if (byHour) {
      // no minute rows for these hours: the minute grain starts after them
      await advanceRollupMark(db, 'hour', range.to)
      await advanceRollupMark(db, 'minute_from', range.to)
      hourMark = to
    }
    minutesRolled += (to - minuteMark) / MINUTE
    minuteMark = to
    if (!byHour) await coarsenHours()
  }
  await coarsenHours()

  const dayEnd = floorTo(hourMark, DAY)
  for (let at = dayMark; at < dayEnd;) {
    const next = Math.min(dayEnd, at + 7 * DAY)
    await coarsen.execute(database, { source: 'hour', target: 'day', from: new Date(at), to: new Date(next) })
    await advanceRollupMark(db, 'day', new Date(next))
    at = dayMark = next
  }

  // The mark moves first and rows go one run later: readers (who cache marks for a second) have
  // stopped using minute rows before they are deleted.
  const minuteCutoff = Math.min(horizon, hourMark)
  if ((marks.minute_from?.getTime() ?? -Infinity) < minuteCutoff) {
    await advanceRollupMark(db, 'minute_from', new Date(minuteCutoff))
  }
  if (marks.minute_from) await minuteRetentionDelete.execute(database, { cutoff: marks.minute_from, batch })

  let eventsDeleted = 0
  if (options.retentionMs) {
    const cutoff = new Date(Math.min(now.getTime() - options.retentionMs, minuteMark))
    eventsDeleted = await retentionDelete.execute(database, { cutoff, batch })
  }
  return { minutesRolled, rolledUntil: new Date(minuteMark), eventsDeleted }
}
