import { and, asc, count, eq, gt, lt, ne } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { assignmentAttempts } from '../schema/assignment.ts'
import { bookings } from '../schema/bookings.ts'

/**
 * The restaurant's other bookings still waiting for tables whose window overlaps [start, end):
 * what V3's look-ahead keeps tables free for. Nearest start first and bounded, because each one
 * costs a planner call per candidate plan. The bookings_restaurant_start_idx serves it.
 */
export async function listCompetingBookings(
  db: Executor,
  input: { restaurantId: string; bookingId: string; start: Date; end: Date; limit: number },
) {
  return db
    .select({
      id: bookings.id,
      partySize: bookings.partySize,
      zoneId: bookings.zoneId,
      startAt: bookings.startAt,
      endAt: bookings.endAt,
    })
    .from(bookings)
    .where(
      and(
        eq(bookings.restaurantId, input.restaurantId),
        eq(bookings.status, 'pending_allocation'),
        ne(bookings.id, input.bookingId),
        lt(bookings.startAt, input.end),
        gt(bookings.endAt, input.start),
      ),
    )
    .orderBy(asc(bookings.startAt))
    .limit(input.limit)
}

/** Attempts a pipeline has made for a booking: the next attempt's number is this plus one. */
export async function countPipelineAttempts(db: Executor, bookingId: string, pipeline: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(assignmentAttempts)
    .where(and(eq(assignmentAttempts.bookingId, bookingId), eq(assignmentAttempts.pipeline, pipeline)))
  return Number(row?.n ?? 0)
}
