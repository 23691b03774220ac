import type { AppLoadContext } from '@remix-run/node'
import { dashboardScope } from './dashboard.server.ts'
import type { DashboardFilters } from './dashboard-filters.ts'

export type ReasonsPayload = Awaited<ReturnType<typeof loadReasons>>

/** /reasons: failure reason shares over time, by category, filtered by restaurant and pipeline. */
export async function loadReasons(context: AppLoadContext, filters: DashboardFilters, now = new Date()) {
  const scope = await dashboardScope(context, filters, now)
  const reasons = await context.engine.analytics.dashboards.reasons(scope.query)
  const categories = new Map<string, number>()
  for (const r of reasons.reasons) categories.set(r.category, (categories.get(r.category) ?? 0) + r.count)
  return {
    filters: scope.filters,
    unknownRestaurant: scope.unknownRestaurant,
    restaurants: scope.restaurants.map(({ slug, name }) => ({ slug, name })),
    range: scope.range,
    failures: reasons.failures,
    reasons: reasons.reasons,
    categories: ['hard', 'capacity', 'transient'].map((category) => ({
      category,
      count: categories.get(category) ?? 0,
      sharePct: reasons.failures > 0 ? (100 * (categories.get(category) ?? 0)) / reasons.failures : null,
    })),
    // share of each reason per bucket, in percent of that bucket's failures
    shares: reasons.buckets.map((b) => {
      const total = Object.values(b.counts).reduce((s, n) => s + n, 0)
      return {
        t: b.at.getTime(),
        total,
        ...Object.fromEntries(
          reasons.reasons.map((r) => [r.reason, total > 0 ? (100 * (b.counts[r.reason] ?? 0)) / total : null]),
        ),
      } as { t: number; total: number } & Record<string, number | null>
    }),
    generatedAt: now.getTime(),
  }
}
