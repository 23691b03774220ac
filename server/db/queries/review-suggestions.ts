import { and, eq, gt, inArray, notInArray, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { bookings, type AssignmentState } from '../schema/bookings.ts'
import { restaurants } from '../schema/restaurants.ts'
import { reviewSuggestions, type StoredSuggestion } from '../schema/review.ts'

export async function findStoredSuggestions(db: Executor, bookingId: string) {
  const [row] = await db.select().from(reviewSuggestions).where(eq(reviewSuggestions.bookingId, bookingId)).limit(1)
  return row
}

export interface StoreSuggestionsInput {
  bookingId: string
  availabilityVersion: number
  floorVersion: number
  suggestions: StoredSuggestion[]
  computedAt: Date
}

/**
 * Upserts a booking's suggestions. A slower writer that computed on older versions never replaces
 * a newer row (the where clause on the conflict update), so two refreshes racing leave the freshest.
 */
export async function storeSuggestions(db: Executor, input: StoreSuggestionsInput): Promise<void> {
  await db
    .insert(reviewSuggestions)
    .values(input)
    .onConflictDoUpdate({
      target: reviewSuggestions.bookingId,
      set: {
        availabilityVersion: input.availabilityVersion,
        floorVersion: input.floorVersion,
        suggestions: input.suggestions,
        computedAt: input.computedAt,
      },
      setWhere: sql`${reviewSuggestions.availabilityVersion} <= ${input.availabilityVersion}`,
    })
}

/**
 * Bookings in review whose stored suggestions are missing or were computed on another
 * availability or floor version than their restaurant's current one: what the refresh task
 * recomputes. Earliest start first, so the most urgent are fresh first.
 */
export async function listStaleSuggestionBookings(
  db: Executor,
  filter: { states: readonly AssignmentState[]; now: Date; limit: number },
): Promise<string[]> {
  const rows = await db
    .select({ id: bookings.id })
    .from(bookings)
    .innerJoin(restaurants, eq(restaurants.id, bookings.restaurantId))
    .leftJoin(reviewSuggestions, eq(reviewSuggestions.bookingId, bookings.id))
    .where(
      and(
        inArray(bookings.assignmentState, [...filter.states]),
        gt(bookings.startAt, filter.now),
        sql`(${reviewSuggestions.bookingId} is null
             or ${reviewSuggestions.availabilityVersion} <> ${restaurants.availabilityVersion}
             or ${reviewSuggestions.floorVersion} <> ${restaurants.floorVersion})`,
      ),
    )
    .orderBy(bookings.startAt)
    .limit(filter.limit)
  return rows.map((row) => row.id)
}

/** Drops the stored suggestions of bookings that left review (seated, cancelled, expired). */
export async function deleteSuggestions(db: Executor, bookingIds: string[]): Promise<void> {
  if (bookingIds.length === 0) return
  await db.delete(reviewSuggestions).where(inArray(reviewSuggestions.bookingId, bookingIds))
}

/** Stored suggestions of bookings no longer waiting in one of `states`. */
export async function deleteSuggestionsOutsideReview(
  db: Executor,
  states: readonly AssignmentState[],
): Promise<number> {
  const leftReview = db
    .select({ id: bookings.id })
    .from(bookings)
    .where(notInArray(bookings.assignmentState, [...states]))
  const rows = await db
    .delete(reviewSuggestions)
    .where(inArray(reviewSuggestions.bookingId, leftReview))
    .returning({ id: reviewSuggestions.bookingId })
  return rows.length
}
