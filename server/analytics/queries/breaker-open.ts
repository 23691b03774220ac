import { z } from 'zod'
import { defineAnalyticsQuery } from '../define-analytics-query.ts'
import { ANALYTICS_EVENTS } from '../series.ts'
import { sqlCount, sqlNumber } from '../sql-values.ts'

/** sql/analytics/breaker-open-seconds.sql: seconds the breaker was open, per bucket. */
export const breakerOpen = defineAnalyticsQuery({
  sqlFile: 'breaker-open-seconds',
  params: z.object({
    from: z.date(),
    to: z.date(),
    restaurantId: z.string().uuid().nullable(),
    bucketSeconds: z.number().int().min(1),
  }),
  row: z.object({
    bucket_start: z.preprocess((v) => (typeof v === 'string' ? new Date(v) : v), z.date()),
    open_seconds: sqlNumber,
    stretches: sqlCount,
  }),
  values: (p) => [
    p.from.toISOString(),
    p.to.toISOString(),
    ANALYTICS_EVENTS.breakerOpened,
    ANALYTICS_EVENTS.breakerClosed,
    p.restaurantId,
    p.bucketSeconds,
  ],
})
