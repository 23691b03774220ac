import { and, asc, count, eq, gt, inArray, lte, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { assignmentStateHistory } from '../schema/assignment.ts'
import { bookings, type AssignmentState, type Booking } from '../schema/bookings.ts'
import { restaurants, zones, type Restaurant } from '../schema/restaurants.ts'

export interface QueueRow {
  booking: Booking
  restaurant: Pick<Restaurant, 'id' | 'slug' | 'name' | 'timezone' | 'servicePeriods'>
  zoneKey: string | null
  /** when it last entered a waiting state (its history row); null if it has none */
  waitingSince: Date | null
}

export interface QueueFilter {
  /** the states that wait for a person (the state machine's WAITING_STATES) */
  states: readonly AssignmentState[]
  /** bookings that start after this: a booking whose time passed is nobody's work any more */
  now: Date
  restaurantSlug?: string
  /** a busy night has dozens; a page of hundreds helps nobody */
  limit: number
}

const waitingNow = (filter: Pick<QueueFilter, 'states' | 'now'>) =>
  and(inArray(bookings.assignmentState, [...filter.states]), gt(bookings.startAt, filter.now))

/**
 * The bookings waiting for a person, earliest start first (the partial index
 * bookings_review_queue_idx serves exactly this). The waiting time comes from the booking's own
 * history, not updated_at, which any column change moves.
 */
export async function listReviewQueue(db: Executor, filter: QueueFilter): Promise<QueueRow[]> {
  const conditions = [waitingNow(filter)]
  if (filter.restaurantSlug) conditions.push(eq(restaurants.slug, filter.restaurantSlug))
  const states = sql.join(
    filter.states.map((state) => sql`${state}`),
    sql`, `,
  )
  const waitingSince = sql<Date | string | null>`(
    select max(${assignmentStateHistory.occurredAt}) from ${assignmentStateHistory}
     where ${assignmentStateHistory.bookingId} = ${bookings.id}
       and ${assignmentStateHistory.toState} in (${states}))`
  const rows = await db
    .select({
      booking: bookings,
      restaurant: {
        id: restaurants.id,
        slug: restaurants.slug,
        name: restaurants.name,
        timezone: restaurants.timezone,
        servicePeriods: restaurants.servicePeriods,
      },
      zoneKey: zones.key,
      waitingSince,
    })
    .from(bookings)
    .innerJoin(restaurants, eq(restaurants.id, bookings.restaurantId))
    .leftJoin(zones, eq(zones.id, bookings.zoneId))
    .where(and(...conditions))
    .orderBy(asc(bookings.startAt), asc(bookings.createdAt))
    .limit(filter.limit)
  return rows.map((row) => ({
    ...row,
    // a raw sql column arrives as a string on node-postgres and a Date on PGlite
    waitingSince: row.waitingSince === null ? null : new Date(row.waitingSince),
  }))
}

/** How many bookings wait for a person (the navigation's count). */
export async function countReviewQueue(db: Executor, filter: Pick<QueueFilter, 'states' | 'now'>): Promise<number> {
  const [row] = await db.select({ n: count() }).from(bookings).where(waitingNow(filter))
  return Number(row?.n ?? 0)
}

/** Bookings in `state` whose start has passed, oldest first: the expiry task moves them to failed. */
export async function listExpiredReviewBookings(db: Executor, state: AssignmentState, now: Date, limit: number) {
  return db
    .select({ id: bookings.id, restaurantId: bookings.restaurantId, reason: bookings.manualReviewReason })
    .from(bookings)
    .where(and(eq(bookings.assignmentState, state), lte(bookings.startAt, now)))
    .orderBy(asc(bookings.startAt))
    .limit(limit)
}
