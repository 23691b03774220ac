import { sql } from 'drizzle-orm'
import { index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { bookings } from './bookings.ts'

export const emailStatus = pgEnum('email_status', ['pending', 'sent', 'failed'])

export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: id(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: emailStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** the transport's message id, or 'recorded' when no SMTP server is configured */
    transportId: text('transport_id'),
    createdAt: createdAt(),
  },
  (t) => [
    // a confirmation is sent at most once
    unique('email_outbox_booking_kind').on(t.bookingId, t.kind),
    // partial, so the worker's claim walks only pending rows in due order; an ordered index scan
    // also marks the entries of rows sent since as dead, which a bitmap scan never does
    index('email_outbox_pending_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
  ],
)

export type OutboxEmail = typeof emailOutbox.$inferSelect
