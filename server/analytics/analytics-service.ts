import type { DatabaseHandle } from '../db/client.ts'
import { inlinePercentiles, type InlinePercentilesParams } from './queries/inline-percentiles.ts'
import { plannerPercentiles, type PlannerPercentilesParams } from './queries/planner-percentiles.ts'

export type { PlannerPercentiles, PlannerLatency, PlannerBucket } from './queries/planner-percentiles.ts'
export type { InlinePercentiles, InlineLatency, InlineBucket } from './queries/inline-percentiles.ts'
export type { PlannerPercentilesParams, InlinePercentilesParams }

/** Named dashboard queries from sql/analytics/*.sql, each with zod schemas for params and rows. */
export function createAnalyticsService(database: DatabaseHandle) {
  return {
    /** planner_duration_ms p50/p90/p95/p99 per bucket and over the window (auto_assign.quote) */
    plannerPercentiles: (params: PlannerPercentilesParams) => plannerPercentiles(database, params),
    /** inline duration p50/p95/p99 and inline_timeout_pct per bucket and over the window */
    inlinePercentiles: (params: InlinePercentilesParams) => inlinePercentiles(database, params),
  }
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>
