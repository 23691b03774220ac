import { z } from 'zod'
import { defineAnalyticsQuery } from '../../analytics/define-analytics-query.ts'
import { sqlCount, sqlNullableNumber } from '../../analytics/sql-values.ts'
import { mismatchKindSchema } from '../vocabulary.ts'

const timestamp = z.preprocess((v) => (typeof v === 'string' ? new Date(v) : v), z.date())
const json = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), schema)
const plan = json(
  z.object({ tableIds: z.array(z.string()), tableKeys: z.array(z.string()), zoneId: z.string() }).nullable(),
)
const outcome = json(z.record(z.unknown()))

/** sql/analytics/shadow-summary.sql: comparisons per kind ('match' for the matched ones). */
export const shadowSummary = defineAnalyticsQuery({
  sqlFile: 'shadow-summary',
  params: z.object({ from: z.date(), to: z.date(), restaurantId: z.string().uuid().nullable() }),
  row: z.object({ kind: z.union([mismatchKindSchema, z.literal('match')]), n: sqlCount }),
  values: (p) => [p.from.toISOString(), p.to.toISOString(), p.restaurantId],
})

/** sql/analytics/shadow-match-series.sql: comparisons and matches per bucket and restaurant. */
export const shadowMatchSeries = defineAnalyticsQuery({
  sqlFile: 'shadow-match-series',
  params: z.object({
    from: z.date(),
    to: z.date(),
    restaurantId: z.string().uuid().nullable(),
    bucketSeconds: z.number().int().min(1),
  }),
  row: z.object({ bucket_start: timestamp, restaurant: z.string(), total: sqlCount, matched: sqlCount }),
  values: (p) => [p.from.toISOString(), p.to.toISOString(), p.restaurantId, p.bucketSeconds],
})

/** sql/analytics/shadow-comparisons.sql: the newest comparisons with both plans. */
export const shadowComparisonList = defineAnalyticsQuery({
  sqlFile: 'shadow-comparisons',
  params: z.object({
    since: z.date(),
    restaurantId: z.string().uuid().nullable(),
    match: z.boolean().nullable(),
    limit: z.number().int().min(1).max(500),
    kind: mismatchKindSchema.nullable(),
  }),
  row: z.object({
    booking_id: z.string(),
    restaurant: z.string(),
    reference: z.string(),
    party_size: sqlCount,
    start_at: timestamp,
    match: z.boolean(),
    mismatch_kind: mismatchKindSchema.nullable(),
    legacy_outcome: outcome,
    v3_outcome: outcome,
    legacy_plan: plan,
    v3_plan: plan,
    legacy_duration_ms: sqlNullableNumber,
    v3_duration_ms: sqlNullableNumber,
    created_at: timestamp,
  }),
  values: (p) => [p.since.toISOString(), p.restaurantId, p.match, p.limit, p.kind],
})
