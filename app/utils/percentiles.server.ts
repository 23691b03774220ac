import type { AppLoadContext } from '@remix-run/node'
import type { InlineLatency, PlannerLatency } from '../../server/analytics/analytics-service.ts'
import { PERCENTILE_WINDOWS, type PercentilesFilters } from './percentiles-filters.ts'

/** What the /percentiles page and /resources/percentiles answer: plain JSON (times as epoch ms). */
export interface PercentilesPayload {
  filters: PercentilesFilters
  /** the slug asked for when no restaurant has it (the data then covers every restaurant) */
  unknownRestaurant: string | null
  restaurants: Array<{ slug: string; name: string }>
  range: { from: number; to: number; bucketSeconds: number }
  planner: { totals: PlannerLatency; buckets: Array<PlannerLatency & { t: number }> }
  inline: { totals: InlineLatency; buckets: Array<InlineLatency & { t: number }> }
  generatedAt: number
}

export async function loadPercentiles(
  context: AppLoadContext,
  filters: PercentilesFilters,
  now: Date = new Date(),
): Promise<PercentilesPayload> {
  const { engine } = context
  const restaurants = await engine.restaurants.list()
  const restaurant = filters.restaurant ? restaurants.find((r) => r.slug === filters.restaurant) : undefined
  const window = PERCENTILE_WINDOWS[filters.window]
  const range = {
    from: new Date(now.getTime() - window.seconds * 1000),
    to: now,
    bucketSeconds: window.bucketSeconds,
    restaurantId: restaurant?.id ?? null,
  }
  const [planner, inline] = await Promise.all([
    engine.analytics.plannerPercentiles({ ...range, trigger: filters.trigger === 'all' ? null : filters.trigger }),
    engine.analytics.inlinePercentiles(range),
  ])
  return {
    filters: restaurant || !filters.restaurant ? filters : { ...filters, restaurant: '' },
    unknownRestaurant: filters.restaurant && !restaurant ? filters.restaurant : null,
    restaurants: restaurants.map((r) => ({ slug: r.slug, name: r.name })),
    range: { from: range.from.getTime(), to: range.to.getTime(), bucketSeconds: range.bucketSeconds },
    planner: {
      totals: planner.totals,
      buckets: planner.buckets.map(({ bucketStart, ...rest }) => ({ t: bucketStart.getTime(), ...rest })),
    },
    inline: {
      totals: inline.totals,
      buckets: inline.buckets.map(({ bucketStart, ...rest }) => ({ t: bucketStart.getTime(), ...rest })),
    },
    generatedAt: now.getTime(),
  }
}
