import { z } from 'zod'
import { defineAnalyticsQuery } from '../define-analytics-query.ts'
import { SERIES_NAMES } from '../series.ts'
import { aggregateFields, aggregateShape, fieldParsers, rowParser } from './aggregate-row.ts'

const seriesName = z.enum(SERIES_NAMES as [string, ...string[]])
const GRAINS = ['minute', 'hour', 'day'] as const
const grain = z.enum(GRAINS)

export const rollupRow = z.object({
  series: seriesName,
  restaurant_key: z.string(),
  grain,
  bucket_start: z.preprocess((v) => (typeof v === 'string' ? new Date(v) : v), z.date()),
  ...aggregateShape,
})
export type RollupRow = z.infer<typeof rollupRow>

/** rollupRow, parsed by hand (a 24 h page reads thousands of rows) */
export const parseRollupRows = (sqlFile: string) =>
  rowParser<RollupRow>(sqlFile, {
    series: fieldParsers.oneOf(SERIES_NAMES),
    restaurant_key: fieldParsers.string,
    grain: fieldParsers.oneOf(GRAINS),
    bucket_start: fieldParsers.timestamp,
    ...aggregateFields,
  })

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
  parseRows: parseRollupRows('rollup-read'),
  values: (p) => [
    p.series,
    p.restaurantKey,
    p.pipelineKey,
    p.ranges.map((r) => r.grain),
    p.ranges.map((r) => r.start.toISOString()),
    p.ranges.map((r) => r.end.toISOString()),
  ],
})

/** sql/analytics/rollup-read-by-restaurant.sql: every restaurant's own rows at once. */
export const rollupReadByRestaurant = defineAnalyticsQuery({
  sqlFile: 'rollup-read-by-restaurant',
  params: z.object({
    series: z.array(seriesName).min(1),
    pipelineKey: z.string(),
    ranges: z.array(z.object({ grain, start: z.date(), end: z.date() })),
  }),
  row: rollupRow,
  parseRows: parseRollupRows('rollup-read-by-restaurant'),
  values: (p) => [
    p.series,
    p.pipelineKey,
    p.ranges.map((r) => r.grain),
    p.ranges.map((r) => r.start.toISOString()),
    p.ranges.map((r) => r.end.toISOString()),
  ],
})
