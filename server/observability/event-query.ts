import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { listEvents } from '../db/queries/events.ts'
import { findRestaurantBySlug, listRestaurants } from '../db/queries/restaurants.ts'
import { AppError } from '../errors.ts'
import { instantSchema } from '../validation/instant.ts'

export const eventQuerySchema = z.object({
  type: z.string().min(1).max(100).optional(),
  booking: z.string().uuid().optional(),
  restaurant: z.string().min(1).max(64).optional(),
  since: instantSchema('since').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** GET /api/events: newest first, with the restaurant as its slug. */
export async function queryEvents(db: Database, query: unknown) {
  const parsed = eventQuerySchema.safeParse(query)
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', 'The query is not valid; see issues', 400, parsed.error.issues)
  let restaurantId: string | undefined
  if (parsed.data.restaurant) {
    const restaurant = await findRestaurantBySlug(db, parsed.data.restaurant)
    if (!restaurant)
      throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${parsed.data.restaurant}"`, 404)
    restaurantId = restaurant.id
  }
  const rows = await listEvents(db, {
    type: parsed.data.type,
    bookingId: parsed.data.booking,
    restaurantId,
    since: parsed.data.since ? new Date(parsed.data.since) : undefined,
    limit: parsed.data.limit,
  })
  const slugs = new Map((await listRestaurants(db)).map((r) => [r.id, r.slug]))
  return rows.map((row) => ({
    occurredAt: row.occurredAt.toISOString(),
    source: row.source,
    type: row.eventType,
    severity: row.severity,
    restaurant: row.restaurantId ? (slugs.get(row.restaurantId) ?? null) : null,
    bookingId: row.bookingId,
    context: row.context,
  }))
}
