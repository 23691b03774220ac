import type { AppLoadContext } from '@remix-run/node'
import { dashboardScope } from './dashboard.server.ts'
import type { DashboardFilters } from './dashboard-filters.ts'

const TILE_METRICS = [
  'bookings_created',
  'confirmation_rate',
  'inline_confirmed_count',
  'job_succeeded_count',
  'manual_review_share',
  'job_success_rate',
  'planner_duration_p95',
  'inline_timeout_pct',
] as const
const PER_RESTAURANT = [
  'bookings_created',
  'confirmation_rate',
  'inline_confirmed_count',
  'job_succeeded_count',
  'manual_review_count',
] as const

export type OverviewPayload = Awaited<ReturnType<typeof loadOverview>>

/**
 * / : today per restaurant (with the pipeline it runs), the headline tiles with their trend, alerts
 * firing, the review backlog, and the flag ramps in progress.
 */
export async function loadOverview(context: AppLoadContext, filters: DashboardFilters, now = new Date()) {
  const { engine } = context
  const scope = await dashboardScope(context, filters, now)
  const [tiles, byRestaurant, backlog, alerts, ramps] = await Promise.all([
    engine.analytics.readMany(TILE_METRICS, scope.query),
    engine.analytics.readManyByRestaurant(PER_RESTAURANT, { ...scope.query, restaurantId: null }),
    engine.analytics.dashboards.reviewBacklog(),
    engine.alerts.list(),
    engine.flagControl.rampsInProgress(),
  ])
  // from the flag rule snapshot, read once: no query per restaurant
  const pipelines = engine.flagControl.pipelines(scope.restaurants.map((r) => r.id))
  const tile = (name: (typeof TILE_METRICS)[number]) => {
    const result = tiles.get(name)!
    return { value: result.value, sampleSize: result.sampleSize, trend: result.series.map((p) => p.value) }
  }
  const visible =
    scope.unknownRestaurant || !filters.restaurant
      ? scope.restaurants
      : scope.restaurants.filter((r) => r.slug === filters.restaurant)
  return {
    filters: scope.filters,
    unknownRestaurant: scope.unknownRestaurant,
    restaurants: scope.restaurants.map(({ slug, name }) => ({ slug, name })),
    range: scope.range,
    database: engine.database.driver,
    tiles: Object.fromEntries(TILE_METRICS.map((name) => [name, tile(name)])) as Record<
      (typeof TILE_METRICS)[number],
      ReturnType<typeof tile>
    >,
    perRestaurant: visible.map((r) => {
      const m = byRestaurant.get(r.id)
      const v = (name: (typeof PER_RESTAURANT)[number]) => m?.get(name)?.value ?? null
      return {
        slug: r.slug,
        name: r.name,
        bookings: v('bookings_created') ?? 0,
        confirmationRate: v('confirmation_rate'),
        seatedInline: v('inline_confirmed_count') ?? 0,
        seatedByJob: v('job_succeeded_count') ?? 0,
        movedToReview: v('manual_review_count') ?? 0,
        reviewBacklog: backlog.get(r.id)?.waiting ?? 0,
        oldestReview: backlog.get(r.id)?.oldest?.getTime() ?? null,
        pipeline: pipelines.get(r.id)!,
      }
    }),
    alerts: alerts
      .filter((a) => a.state !== 'ok')
      .map((a) => ({
        key: a.key,
        severity: a.severity,
        state: a.state,
        description: a.description,
        since: a.since,
        value: a.value,
      })),
    /** staged flag ramps running or paused, newest first (with a restaurant filter: its own and the global ones) */
    ramps: ramps
      .filter(
        (ramp) => !scope.filters.restaurant || ramp.restaurant === null || ramp.restaurant === scope.filters.restaurant,
      )
      .map((ramp) => ({
        id: ramp.id,
        flag: ramp.flag,
        restaurant: ramp.restaurant,
        state: ramp.state,
        stage: ramp.stage + 1,
        stages: ramp.stages.length,
        stageName: ramp.stages[ramp.stage]?.name ?? null,
        percent: ramp.stages[ramp.stage]?.percent ?? null,
        nextStageAt: ramp.nextStageAt,
      })),
    generatedAt: now.getTime(),
    quality: await engine.quality.latestSimulation(),
  }
}
