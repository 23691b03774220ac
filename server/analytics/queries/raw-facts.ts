import { z } from 'zod'
import { defineAnalyticsQuery, type AnalyticsQuery } from '../define-analytics-query.ts'
import { LN_GAMMA, MIN_VALUE } from '../sketch.ts'
import { SERIES, type SeriesName } from '../series.ts'
import { aggregateFields, aggregateShape, fieldParsers, rowParser } from './aggregate-row.ts'

const params = z.object({
  from: z.date(),
  to: z.date(),
  restaurantId: z.string().uuid().nullable(),
  pipeline: z.string().nullable(),
})

export const rawFactsRow = z.object({
  bucket_start: z.preprocess((v) => (typeof v === 'string' ? new Date(v) : v), z.date()),
  restaurant_key: z.string(),
  ...aggregateShape,
})
export type RawFactsRow = z.infer<typeof rawFactsRow>

/** rawFactsRow, parsed by hand (queries/aggregate-row.ts) */
export const parseRawFactsRows = rowParser<RawFactsRow>('raw-facts', {
  bucket_start: fieldParsers.timestamp,
  restaurant_key: fieldParsers.string,
  ...aggregateFields,
})

type RawFactsQuery = AnalyticsQuery<typeof params, typeof rawFactsRow>
const queries = new Map<SeriesName, RawFactsQuery>()

/** sql/analytics/raw-facts.sql around a series' facts file: per-minute aggregates from raw events. */
export function rawFactsQuery(series: SeriesName): RawFactsQuery {
  let query = queries.get(series)
  if (!query) {
    const definition = SERIES[series]
    query = defineAnalyticsQuery({
      sqlFile: 'raw-facts',
      factsFile: definition.factsFile,
      params,
      row: rawFactsRow,
      parseRows: parseRawFactsRows,
      values: (p) => [
        p.from.toISOString(),
        p.to.toISOString(),
        definition.eventTypes,
        LN_GAMMA,
        MIN_VALUE,
        p.restaurantId,
        p.pipeline,
      ],
    })
    queries.set(series, query)
  }
  return query
}
