import { z } from 'zod'
import type { DatabaseHandle } from '../db/client.ts'
import { reasonCategory } from '../assignment/reason-codes.ts'
import { RETRY_DECISIONS, type RetryDecisionName } from '../assignment/retry-decisions.ts'
import { queryEvents } from '../observability/event-query.ts'
import { defineAnalyticsQuery } from './define-analytics-query.ts'
import type { MetricCatalog, MetricSeriesQuery } from './metric-catalog.ts'
import { bucketEstimate } from './sketch.ts'
import type { SeriesName } from './series.ts'
import { sqlCount, sqlNullableTimestamp } from './sql-values.ts'

const MANUAL_REVIEW_STATE = 'manual_review'

const reviewBacklogQuery = defineAnalyticsQuery({
  sqlFile: 'review-backlog',
  params: z.object({}),
  row: z.object({ restaurant_id: z.string(), waiting: sqlCount, oldest: sqlNullableTimestamp }),
  values: () => [MANUAL_REVIEW_STATE],
})

export interface LabelBreakdown {
  total: Array<{ label: string; count: number }>
  buckets: Array<{ at: Date; counts: Record<string, number> }>
}

/** What the dashboard pages need beyond single metrics: label counts, histograms, event listings. */
export function createDashboardQueries(database: DatabaseHandle, catalog: MetricCatalog) {
  async function labelBreakdown(series: SeriesName, query: MetricSeriesQuery): Promise<LabelBreakdown> {
    const { buckets, total } = await catalog.readAggregates([series], query)
    const totals = total.get(series)!
    return {
      total: [...totals.labels.entries()]
        .map(([label, counters]) => ({ label, count: counters.count }))
        .sort((a, b) => b.count - a.count),
      buckets: buckets.map((b) => ({
        at: b.at,
        counts: Object.fromEntries(
          [...(b.series.get(series)?.labels.entries() ?? [])].map(([label, counters]) => [label, counters.count]),
        ),
      })),
    }
  }

  return {
    labelBreakdown,

    /** failed planner calls per reason, with its category (hard | capacity | transient) */
    async reasons(query: MetricSeriesQuery) {
      const breakdown = await labelBreakdown('planner_failures', query)
      const failures = breakdown.total.reduce((sum, r) => sum + r.count, 0)
      return {
        failures,
        reasons: breakdown.total.map((r) => ({
          reason: r.label,
          category: reasonCategory(r.label) ?? 'transient',
          count: r.count,
          sharePct: failures > 0 ? (100 * r.count) / failures : null,
        })),
        buckets: breakdown.buckets,
      }
    },

    /** retry policy v2's decisions in the window, every one in its declared order (0 when none) */
    async retryDecisions(query: MetricSeriesQuery): Promise<Array<{ decision: RetryDecisionName; count: number }>> {
      const breakdown = await labelBreakdown('retry_decisions', query)
      const counts = new Map(breakdown.total.map((l) => [l.label, l.count]))
      return RETRY_DECISIONS.map((decision) => ({ decision, count: counts.get(decision) ?? 0 }))
    },

    /** finished jobs per attempts_used (attempts are whole numbers: the sketch bucket rounds to it) */
    async attemptsHistogram(query: MetricSeriesQuery): Promise<Array<{ attempts: number; jobs: number }>> {
      const { total } = await catalog.readAggregates(['jobs'], query)
      const counts = new Map<number, number>()
      for (const [index, count] of total.get('jobs')!.total.hist) {
        const attempts = Math.round(bucketEstimate(index))
        counts.set(attempts, (counts.get(attempts) ?? 0) + count)
      }
      return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([attempts, jobs]) => ({ attempts, jobs }))
    },

    /** GET /api/events's listing (newest first), for the event explorer and drill-downs */
    listEvents: (query: unknown) => queryEvents(database.db, query),

    /** bookings waiting in manual review now, per restaurant id */
    async reviewBacklog(): Promise<Map<string, { waiting: number; oldest: Date | null }>> {
      const rows = await reviewBacklogQuery.run(database, {})
      return new Map(rows.map((r) => [r.restaurant_id, { waiting: r.waiting, oldest: r.oldest }]))
    },
  }
}

export type DashboardQueries = ReturnType<typeof createDashboardQueries>
