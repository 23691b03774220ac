import type { AppLoadContext } from '@remix-run/node'
import { dashboardScope, points } from './dashboard.server.ts'
import type { DashboardFilters } from './dashboard-filters.ts'

const METRICS = [
  'job_attempts_sample_size',
  'avg_attempts',
  'attempts_p50',
  'attempts_p95',
  'attempts_max',
  'job_success_rate',
  'time_to_success_p50',
  'time_to_success_p95',
] as const

export type AttemptsPayload = Awaited<ReturnType<typeof loadAttempts>>

/** /attempts: attempts per booking, the path bookings take, time to success, recent jobs. */
export async function loadAttempts(context: AppLoadContext, filters: DashboardFilters, now = new Date()) {
  const { engine } = context
  const scope = await dashboardScope(context, filters, now)
  const [metrics, histogram, inline, jobs, decisions, recent] = await Promise.all([
    engine.analytics.readMany(METRICS, scope.query),
    engine.analytics.dashboards.attemptsHistogram(scope.query),
    engine.analytics.dashboards.labelBreakdown('inline_runs', scope.query),
    engine.analytics.dashboards.labelBreakdown('jobs', scope.query),
    engine.analytics.dashboards.retryDecisions(scope.query),
    engine.analytics.dashboards.listEvents({
      type: 'auto_assign.summary',
      restaurant: scope.filters.restaurant || undefined,
      limit: 25,
    }),
  ])
  const value = (name: (typeof METRICS)[number]) => metrics.get(name)!.value
  const count = (list: Array<{ label: string; count: number }>, label: string) =>
    list.find((l) => l.label === label)?.count ?? 0
  const jobResults = jobs.total
  return {
    filters: scope.filters,
    unknownRestaurant: scope.unknownRestaurant,
    restaurants: scope.restaurants.map(({ slug, name }) => ({ slug, name })),
    range: scope.range,
    summary: Object.fromEntries(METRICS.map((m) => [m, value(m)])) as Record<(typeof METRICS)[number], number | null>,
    histogram,
    flow: {
      inline: {
        runs: inline.total.reduce((s, l) => s + l.count, 0),
        confirmed: count(inline.total, 'confirmed'),
        queued: count(inline.total, 'queued'),
        timedOut: count(inline.total, 'timeout'),
      },
      jobs: jobResults,
    },
    /** what retry policy v2 decided, every decision in its declared order (0 when none) */
    retryDecisions: decisions,
    timeToSuccess: {
      p50: points(metrics.get('time_to_success_p50')!.series),
      p95: points(metrics.get('time_to_success_p95')!.series),
    },
    recent: recent.map((e) => ({
      occurredAt: e.occurredAt,
      restaurant: e.restaurant,
      bookingId: e.bookingId,
      result: String(e.context.result ?? ''),
      attempts: Number(e.context.attempts_used ?? 0),
      durationMs: typeof e.context.total_duration_ms === 'number' ? e.context.total_duration_ms : null,
    })),
    generatedAt: now.getTime(),
  }
}
