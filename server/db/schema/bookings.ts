import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'
import { restaurants, zones } from './restaurants.ts'

export const bookingStatus = pgEnum('booking_status', ['pending_allocation', 'confirmed', 'cancelled'])

export const assignmentState = pgEnum('assignment_state', [
  'created',
  'capacity_verified',
  'assignment_pending',
  'assignment_in_progress',
  'assigned',
  'confirmed',
  'manual_review',
  'failed',
  'cancelled',
])

export interface AutoAssignResult {
  source: 'inline' | 'job' | 'coordinator' | 'manual'
  at: string
  success: boolean
  reason: string | null
  reasonCategory: 'hard' | 'transient' | 'capacity' | null
  strategy: { requireAdjacency: boolean; maxTables: number }
  trigger: string
  durationMs: number
  attemptId: string | null
  emailQueued: boolean
}

export const bookings = pgTable(
  'bookings',
  {
    id: id(),
    reference: text('reference').notNull().unique(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    partySize: integer('party_size').notNull(),
    startAt: timestamp('start_at', { withTimezone: true }).notNull(),
    endAt: timestamp('end_at', { withTimezone: true }).notNull(),
    guestName: text('guest_name').notNull(),
    guestEmail: text('guest_email').notNull(),
    guestPhone: text('guest_phone'),
    zoneId: uuid('zone_id').references(() => zones.id),
    status: bookingStatus('status').notNull().default('pending_allocation'),
    assignmentState: assignmentState('assignment_state').notNull().default('created'),
    assignmentStateVersion: integer('assignment_state_version').notNull().default(0),
    autoAssignLastResult: jsonb('auto_assign_last_result').$type<AutoAssignResult>(),
    manualReviewReason: text('manual_review_reason'),
    idempotencyKey: text('idempotency_key'),
    /** never moved by online re-seating: placed by staff, or pinned by a person */
    pinned: boolean('pinned').notNull().default(false),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('bookings_restaurant_idempotency_key').on(t.restaurantId, t.idempotencyKey),
    index('bookings_restaurant_start_idx').on(t.restaurantId, t.startAt),
    index('bookings_assignment_state_idx').on(t.assignmentState),
    // the manual-review queue: the states that wait for a person (migration 0011)
    index('bookings_review_queue_idx')
      .on(t.startAt)
      .where(sql`${t.assignmentState} in ('manual_review', 'failed')`),
  ],
)

export type Booking = typeof bookings.$inferSelect
export type NewBooking = typeof bookings.$inferInsert
export type BookingStatus = (typeof bookingStatus.enumValues)[number]
export type AssignmentState = (typeof assignmentState.enumValues)[number]
