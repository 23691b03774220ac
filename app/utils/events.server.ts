import type { AppLoadContext } from '@remix-run/node'
import type { EventFilters } from './events-filters.ts'

export type EventsPayload = Awaited<ReturnType<typeof loadEvents>>

/** /events: newest first, filtered; an unknown restaurant shows nothing rather than everything. */
export async function loadEvents(context: AppLoadContext, filters: EventFilters, now = new Date()) {
  const { engine } = context
  const restaurants = (await engine.restaurants.list()).map((r) => ({ slug: r.slug, name: r.name }))
  const unknownRestaurant =
    filters.restaurant && !restaurants.some((r) => r.slug === filters.restaurant) ? filters.restaurant : null
  const events = unknownRestaurant
    ? []
    : await engine.analytics.dashboards.listEvents({
        type: filters.type || undefined,
        restaurant: filters.restaurant || undefined,
        booking: filters.booking || undefined,
        since: filters.since ? new Date(filters.since).toISOString() : undefined,
        limit: filters.limit,
      })
  return { filters, restaurants, unknownRestaurant, events, generatedAt: now.getTime() }
}
