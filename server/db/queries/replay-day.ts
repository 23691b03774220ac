import { and, asc, eq, gte, lt } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { bookings } from '../schema/bookings.ts'
import { zones } from '../schema/restaurants.ts'

/** One booking of a past day, as the simulator's replay needs it. */
export interface ReplayBooking {
  partySize: number
  startAt: Date
  /** the zone the guest asked for (its key); null: none */
  zoneKey: string | null
  createdAt: Date
  /** when it was cancelled; null when it was kept */
  cancelledAt: Date | null
}

/**
 * A restaurant's bookings starting in [from, to), in the order they were made (creation time,
 * then id): whatever became of them, since the replay asks the engine again.
 */
export async function listBookingsOfDay(
  executor: Executor,
  input: { restaurantId: string; from: Date; to: Date },
): Promise<ReplayBooking[]> {
  return executor
    .select({
      partySize: bookings.partySize,
      startAt: bookings.startAt,
      zoneKey: zones.key,
      createdAt: bookings.createdAt,
      cancelledAt: bookings.cancelledAt,
    })
    .from(bookings)
    .leftJoin(zones, eq(zones.id, bookings.zoneId))
    .where(
      and(
        eq(bookings.restaurantId, input.restaurantId),
        gte(bookings.startAt, input.from),
        lt(bookings.startAt, input.to),
      ),
    )
    .orderBy(asc(bookings.createdAt), asc(bookings.id))
}
