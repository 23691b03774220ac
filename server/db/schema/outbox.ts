import { sql } from 'drizzle-orm'
import { index, integer, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.ts'
import { bookings } from './bookings.ts'

// skipped: not sent on purpose (the booking was cancelled before its confirmation went out)
export const emailStatus = pgEnum('email_status', ['pending', 'sent', 'failed', 'skipped'])

export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: id(),
    /** null for mail that is not about one booking (alerts, reports) */
    bookingId: uuid('booking_id').references(() => bookings.id, { onDelete: 'cascade' }),
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
    /** for mail without a booking: (kind, dedupe_key) is unique, so a repeated alert is queued once */
    dedupeKey: text('dedupe_key'),
    createdAt: createdAt(),
  },
  (t) => [
    // a confirmation is sent at most once
    unique('email_outbox_booking_kind').on(t.bookingId, t.kind),
    uniqueIndex('email_outbox_kind_dedupe_key')
      .on(t.kind, t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
    // partial, so the worker's claim walks only pending rows in due order; an ordered index scan
    // also marks the entries of rows sent since as dead, which a bitmap scan never does
    index('email_outbox_pending_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
  ],
)

export type OutboxEmail = typeof emailOutbox.$inferSelect
