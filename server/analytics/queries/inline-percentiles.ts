import { z } from 'zod'
import type { DatabaseHandle } from '../../db/client.ts'
import { analyticsSql, sqlCount, sqlNullableNumber, sqlNullableTimestamp } from '../sql-values.ts'
import { checkedWindow, windowFields } from './window.ts'

/** Params of sql/analytics/inline-percentiles.sql. */
export const inlinePercentilesParams = checkedWindow(windowFields)
export type InlinePercentilesParams = z.input<typeof inlinePercentilesParams>

/** One row of sql/analytics/inline-percentiles.sql. */
export const inlinePercentilesRow = z.object({
  is_total: z.boolean(),
  bucket_start: sqlNullableTimestamp,
  runs: sqlCount,
  timeouts: sqlCount,
  confirmed: sqlCount,
  queued: sqlCount,
  p50: sqlNullableNumber,
  p95: sqlNullableNumber,
  p99: sqlNullableNumber,
  max_ms: sqlNullableNumber,
  inline_timeout_pct: sqlNullableNumber,
})

export interface InlineLatency {
  runs: number
  timeouts: number
  confirmed: number
  queued: number
  p50: number | null
  p95: number | null
  p99: number | null
  maxMs: number | null
  /** 100 * timeouts / runs; null without runs */
  inlineTimeoutPct: number | null
}
export interface InlineBucket extends InlineLatency {
  bucketStart: Date
}
export interface InlinePercentiles {
  buckets: InlineBucket[]
  totals: InlineLatency
}

export async function inlinePercentiles(
  database: DatabaseHandle,
  input: InlinePercentilesParams,
): Promise<InlinePercentiles> {
  const params = inlinePercentilesParams.parse(input)
  const result = await database.executeSql(analyticsSql('inline-percentiles'), [
    params.from.toISOString(),
    params.to.toISOString(),
    params.bucketSeconds,
    params.restaurantId,
  ])
  const rows = z.array(inlinePercentilesRow).parse(result.rows)
  const latency = (row: z.infer<typeof inlinePercentilesRow>): InlineLatency => ({
    runs: row.runs,
    timeouts: row.timeouts,
    confirmed: row.confirmed,
    queued: row.queued,
    p50: row.p50,
    p95: row.p95,
    p99: row.p99,
    maxMs: row.max_ms,
    inlineTimeoutPct: row.inline_timeout_pct,
  })
  const total = rows.find((row) => row.is_total)
  return {
    buckets: rows
      .filter((row) => !row.is_total && row.bucket_start)
      .map((row) => ({ bucketStart: row.bucket_start!, ...latency(row) })),
    totals: total
      ? latency(total)
      : {
          runs: 0,
          timeouts: 0,
          confirmed: 0,
          queued: 0,
          p50: null,
          p95: null,
          p99: null,
          maxMs: null,
          inlineTimeoutPct: null,
        },
  }
}
