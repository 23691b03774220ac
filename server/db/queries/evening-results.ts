import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { bookings } from '../schema/bookings.ts'
import { observabilityEvents } from '../schema/observability.ts'

/** Ids of a restaurant's confirmed bookings: what the quality simulator counts as seated. */
export async function confirmedBookingIds(executor: Executor, restaurantId: string): Promise<Set<string>> {
  const rows = await executor
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.restaurantId, restaurantId), eq(bookings.status, 'confirmed')))
  return new Set(rows.map((row) => row.id))
}

/** Bookings of a restaurant that were seated by online re-seating (the `forBooking` of its moves). */
export async function reseatedBookingIds(executor: Executor, restaurantId: string): Promise<Set<string>> {
  const rows = await executor
    .selectDistinct({ id: sql<string>`${observabilityEvents.context}->>'forBooking'` })
    .from(observabilityEvents)
    .where(
      and(eq(observabilityEvents.restaurantId, restaurantId), eq(observabilityEvents.eventType, 'booking.reseated')),
    )
  return new Set(rows.map((row) => row.id))
}
