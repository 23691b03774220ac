import { and, eq } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { bookings } from '../schema/bookings.ts'

/** Ids of a restaurant's confirmed bookings: what the quality simulator counts as seated. */
export async function confirmedBookingIds(executor: Executor, restaurantId: string): Promise<Set<string>> {
  const rows = await executor
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.restaurantId, restaurantId), eq(bookings.status, 'confirmed')))
  return new Set(rows.map((row) => row.id))
}
