import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { bookings } from './bookings.ts'

/** One suggested plan as stored: table keys, so a floor re-import with new ids cannot mislead. */
export interface StoredSuggestion {
  /** stable within one computation: what the page's forms echo back */
  id: string
  tables: string[]
  zone: string
  capacity: number
  /** what was relaxed, e.g. ['adjacency'] or ['start+15']; empty: as booked */
  relaxed: string[]
  /** ISO; differs from the booking's start when a time was relaxed */
  startAt: string
  overage: number
  /** a re-seating suggestion: the other bookings moved to make room (table keys) */
  reseat?: Array<{ bookingId: string; reference: string; from: string[]; to: string[] }>
}

/**
 * The suggested plans of a booking in review, computed on a schedule (server/review/review-tasks.ts)
 * and keyed by the versions they were computed on; stale when either version moved on.
 */
export const reviewSuggestions = pgTable('review_suggestions', {
  bookingId: uuid('booking_id')
    .primaryKey()
    .references(() => bookings.id, { onDelete: 'cascade' }),
  availabilityVersion: bigint('availability_version', { mode: 'number' }).notNull(),
  floorVersion: integer('floor_version').notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  suggestions: jsonb('suggestions').$type<StoredSuggestion[]>().notNull(),
})

export const reviewNotes = pgTable(
  'review_notes',
  {
    id: id(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    authorUserId: uuid('author_user_id'),
    author: text('author').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('review_notes_booking_idx').on(t.bookingId, t.createdAt)],
)

export type ReviewSuggestionRow = typeof reviewSuggestions.$inferSelect
export type ReviewNote = typeof reviewNotes.$inferSelect
