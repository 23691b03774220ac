import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { bookings } from './bookings.ts'
import { restaurants } from './restaurants.ts'

/** A plan as the shadow comparison stores it: table ids and keys, zone. */
export interface ShadowPlan {
  tableIds: string[]
  tableKeys: string[]
  zoneId: string
}

export const assignmentAttempts = pgTable(
  'assignment_attempts',
  {
    id: id(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    attemptNumber: integer('attempt_number').notNull(),
    pipeline: text('pipeline').notNull(),
    strategy: jsonb('strategy').$type<Record<string, unknown>>().notNull(),
    trigger: text('trigger').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    durationMs: real('duration_ms').notNull(),
    outcome: text('outcome').notNull(),
    reasonCode: text('reason_code'),
    plan: jsonb('plan').$type<{ tableIds: string[]; tableKeys?: string[] } | null>(),
  },
  (t) => [index('assignment_attempts_booking_idx').on(t.bookingId, t.attemptNumber)],
)

export const assignmentStateHistory = pgTable(
  'assignment_state_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    version: integer('version').notNull(),
    reason: text('reason'),
    actor: text('actor').notNull(),
    /** which pipeline moved it; null for people and for changes outside a pipeline */
    pipeline: text('pipeline'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('assignment_state_history_booking_idx').on(t.bookingId)],
)

export const shadowComparisons = pgTable(
  'shadow_comparisons',
  {
    id: id(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    match: boolean('match').notNull(),
    mismatchKind: text('mismatch_kind'),
    legacyOutcome: jsonb('legacy_outcome').$type<Record<string, unknown>>().notNull(),
    v3Outcome: jsonb('v3_outcome').$type<Record<string, unknown>>().notNull(),
    legacyDurationMs: real('legacy_duration_ms'),
    v3DurationMs: real('v3_duration_ms'),
    legacyPlan: jsonb('legacy_plan').$type<ShadowPlan | null>(),
    v3Plan: jsonb('v3_plan').$type<ShadowPlan | null>(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('shadow_comparisons_booking').on(t.bookingId),
    index('shadow_comparisons_restaurant_idx').on(t.restaurantId, t.createdAt),
    index('shadow_comparisons_time_idx').on(t.createdAt),
  ],
)

export type AssignmentAttempt = typeof assignmentAttempts.$inferSelect
export type AssignmentStateHistoryRow = typeof assignmentStateHistory.$inferSelect
export type ShadowComparison = typeof shadowComparisons.$inferSelect
