import { z } from 'zod'
import type { DatabaseHandle } from '../../db/client.ts'
import { analyticsSql, sqlCount, sqlNullableNumber, sqlNullableTimestamp } from '../sql-values.ts'
import { checkedWindow, windowFields } from './window.ts'

/** Params of sql/analytics/planner-percentiles.sql. */
export const plannerPercentilesParams = checkedWindow(
  windowFields.extend({
    /** only quotes recorded for this trigger; null for all (coordinator and manual included) */
    trigger: z.enum(['inline', 'job', 'coordinator', 'manual']).nullable().default(null),
  }),
)
export type PlannerPercentilesParams = z.input<typeof plannerPercentilesParams>

/** One row of sql/analytics/planner-percentiles.sql. */
export const plannerPercentilesRow = z.object({
  is_total: z.boolean(),
  bucket_start: sqlNullableTimestamp,
  count: sqlCount,
  successes: sqlCount,
  cache_hits: sqlCount,
  p50: sqlNullableNumber,
  p90: sqlNullableNumber,
  p95: sqlNullableNumber,
  p99: sqlNullableNumber,
  max_ms: sqlNullableNumber,
  avg_ms: sqlNullableNumber,
})

export interface PlannerLatency {
  count: number
  successes: number
  cacheHits: number
  p50: number | null
  p90: number | null
  p95: number | null
  p99: number | null
  maxMs: number | null
  avgMs: number | null
}
export interface PlannerBucket extends PlannerLatency {
  bucketStart: Date
}
export interface PlannerPercentiles {
  buckets: PlannerBucket[]
  totals: PlannerLatency
}

export async function plannerPercentiles(
  database: DatabaseHandle,
  input: PlannerPercentilesParams,
): Promise<PlannerPercentiles> {
  const params = plannerPercentilesParams.parse(input)
  const result = await database.executeSql(analyticsSql('planner-percentiles'), [
    params.from.toISOString(),
    params.to.toISOString(),
    params.bucketSeconds,
    params.restaurantId,
    params.trigger,
  ])
  const rows = z.array(plannerPercentilesRow).parse(result.rows)
  const latency = (row: z.infer<typeof plannerPercentilesRow>): PlannerLatency => ({
    count: row.count,
    successes: row.successes,
    cacheHits: row.cache_hits,
    p50: row.p50,
    p90: row.p90,
    p95: row.p95,
    p99: row.p99,
    maxMs: row.max_ms,
    avgMs: row.avg_ms,
  })
  const total = rows.find((row) => row.is_total)
  return {
    buckets: rows
      .filter((row) => !row.is_total && row.bucket_start)
      .map((row) => ({ bucketStart: row.bucket_start!, ...latency(row) })),
    totals: total
      ? latency(total)
      : { count: 0, successes: 0, cacheHits: 0, p50: null, p90: null, p95: null, p99: null, maxMs: null, avgMs: null },
  }
}
