// "Seat by moving B-17 from T4 to T6": the review page's re-seating suggestion, computed when a
// person asks for it (the booking page, or a seat that names it), never by the periodic refresh
// of stored suggestions. That task recomputes every stale booking in review after each change of
// availability (up to 50 every 5 s), and ran the re-seat search, on the event loop, for each, with
// the flag assignment.reseat off as much as on, for pages nobody had open (issue 15).
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { DEFAULT_KNOBS } from '../assignment/quote.ts'
import { planReseating } from '../assignment/steps/reseat.ts'
import { findBookingById } from '../db/queries/bookings.ts'
import type { Booking } from '../db/schema/bookings.ts'
import type { StoredSuggestion } from '../db/schema/review.ts'
import { RESEAT_RELAXATION } from './reason-text.ts'
import type { FloorContext } from './review-reader.ts'

/**
 * Whether a booking's suggestions could still gain a re-seating one: none fits as booked (a plan
 * as booked needs nobody moved) and none moves others yet.
 */
export function lacksReseat(suggestions: StoredSuggestion[]): boolean {
  return !suggestions.some((suggestion) => suggestion.relaxed.length === 0 || suggestion.reseat)
}

/**
 * The re-seating search of the engine (assignment/steps/reseat.ts: the same rules, never a
 * started, pinned or staff-placed booking) for a booking in review, as a suggestion. Seating it
 * applies the moves in the seat's transaction (review-actions.ts). Null when nobody can be moved
 * to make room.
 */
export async function reseatSuggestion(
  deps: AssignmentDeps,
  booking: Booking,
  context: FloorContext,
): Promise<StoredSuggestion | null> {
  const plan = await planReseating(deps, booking, context.floor, DEFAULT_KNOBS)
  if (!plan?.moves?.length) return null
  const moves = await Promise.all(
    plan.moves.map(async (move) => ({
      bookingId: move.bookingId,
      reference: (await findBookingById(deps.db, move.bookingId))?.reference ?? move.bookingId,
      from: move.fromKeys,
      to: move.toKeys,
    })),
  )
  const startAt = booking.startAt.toISOString()
  const tables = [...plan.tableKeys].sort()
  return {
    id: `${startAt}|${tables.join('+')}|${moves.map((move) => `${move.reference}:${move.from.join('+')}>${move.to.join('+')}`).join(',')}`,
    tables,
    zone: context.zones.find((zone) => zone.id === plan.zoneId)?.key ?? plan.zoneId,
    capacity: plan.capacity,
    relaxed: [RESEAT_RELAXATION],
    startAt,
    overage: plan.overage,
    reseat: moves,
  }
}

/** A re-seating suggestion's id names its moves ("B-17:T4>T6"); no other suggestion's does. */
export function isReseatSuggestionId(id: string): boolean {
  return id.includes('>')
}

/**
 * The bookings whose re-seat search found nothing, by the versions it ran on, so a page that
 * refreshes does not search again until the floor or its bookings change. Per process and bounded:
 * forgetting one only costs a search. (A found suggestion is stored with the others instead.)
 */
export function createReseatMisses(limit = 1_000) {
  const misses = new Set<string>()
  const key = (bookingId: string, versions: { availabilityVersion: number; floorVersion: number }) =>
    `${bookingId}:${versions.availabilityVersion}:${versions.floorVersion}`
  return {
    has: (bookingId: string, versions: { availabilityVersion: number; floorVersion: number }) =>
      misses.has(key(bookingId, versions)),
    add(bookingId: string, versions: { availabilityVersion: number; floorVersion: number }) {
      misses.add(key(bookingId, versions))
      // a Set iterates in insertion order: the oldest goes first
      if (misses.size > limit) misses.delete(misses.values().next().value as string)
    },
  }
}
