import type { AppLoadContext } from '@remix-run/node'
import { resolveRange, type DashboardFilters } from './dashboard-filters.ts'

/** What every dashboard loader starts from: the restaurants, the one filtered on, the range. */
export async function dashboardScope<F extends DashboardFilters>(context: AppLoadContext, filters: F, now: Date) {
  const restaurants = await context.engine.restaurants.list()
  const restaurant = filters.restaurant ? restaurants.find((r) => r.slug === filters.restaurant) : undefined
  const range = resolveRange(filters, now)
  return {
    filters: (restaurant || !filters.restaurant ? filters : { ...filters, restaurant: '' }) as F,
    unknownRestaurant: filters.restaurant && !restaurant ? filters.restaurant : null,
    restaurants: restaurants.map((r) => ({ id: r.id, slug: r.slug, name: r.name })),
    range: { from: range.from.getTime(), to: range.to.getTime(), bucketSeconds: range.bucketSeconds },
    query: {
      from: range.from,
      to: range.to,
      bucketSeconds: range.bucketSeconds,
      restaurantId: restaurant?.id ?? null,
      pipeline: filters.pipeline || undefined,
    },
  }
}

/** A metric series as chart points (epoch ms). */
export const points = (series: Array<{ at: Date; value: number | null }>) =>
  series.map((p) => ({ t: p.at.getTime(), value: p.value }))
