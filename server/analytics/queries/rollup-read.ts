import { z } from 'zod'
import { defineAnalyticsQuery } from '../define-analytics-query.ts'
import { sqlCount, sqlNullableNumber, sqlNumber } from '../sql-values.ts'
import { SERIES_NAMES } from '../series.ts'

const seriesName = z.enum(SERIES_NAMES as [string, ...string[]])
const grain = z.enum(['minute', 'hour', 'day'])

export const rollupRow = z.object({
  series: seriesName,
  grain,
  bucket_start: z.preprocess((v) => (typeof v === 'string' ? new Date(v) : v), z.date()),
  label: z.string(),
  count: sqlCount,
  count_a: sqlCount,
  count_b: sqlCount,
  value_sum: sqlNumber,
  value_max: sqlNullableNumber,
  hist: z.record(z.unknown()),
})
export type RollupRow = z.infer<typeof rollupRow>

/** sql/analytics/rollup-read.sql: rollup rows of some series, one slice, a set of grain ranges. */
export const rollupRead = defineAnalyticsQuery({
  sqlFile: 'rollup-read',
  params: z.object({
    series: z.array(seriesName).min(1),
    restaurantKey: z.string(),
    pipelineKey: z.string(),
    ranges: z.array(z.object({ grain, start: z.date(), end: z.date() })),
  }),
  row: rollupRow,
  values: (p) => [
    p.series,
    p.restaurantKey,
    p.pipelineKey,
    p.ranges.map((r) => r.grain),
    p.ranges.map((r) => r.start.toISOString()),
    p.ranges.map((r) => r.end.toISOString()),
  ],
})
