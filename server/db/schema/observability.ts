import {
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'

export const eventSeverity = pgEnum('event_severity', ['debug', 'info', 'warning', 'error'])

// No foreign keys on purpose: telemetry must never fail because its subject was deleted.
export const observabilityEvents = pgTable(
  'observability_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    source: text('source').notNull(),
    eventType: text('event_type').notNull(),
    severity: eventSeverity('severity').notNull().default('info'),
    restaurantId: uuid('restaurant_id'),
    bookingId: uuid('booking_id'),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('observability_events_type_time_idx').on(t.eventType, t.occurredAt),
    index('observability_events_restaurant_time_idx').on(t.restaurantId, t.occurredAt),
    index('observability_events_booking_idx').on(t.bookingId),
    index('observability_events_time_idx').on(t.occurredAt),
  ],
)

/** Per-minute aggregates so dashboards stay fast when raw events number in millions. */
export const observabilityRollups = pgTable(
  'observability_rollups',
  {
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    eventType: text('event_type').notNull(),
    restaurantId: uuid('restaurant_id').notNull(),
    count: integer('count').notNull(),
    durationSumMs: doublePrecision('duration_sum_ms').notNull().default(0),
    /** log-scale latency histogram: bucket index -> count */
    durationBuckets: jsonb('duration_buckets').$type<Record<string, number>>().notNull().default({}),
    failures: integer('failures').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.minute, t.eventType, t.restaurantId] })],
)

export type ObservabilityEvent = typeof observabilityEvents.$inferSelect
export type NewObservabilityEvent = typeof observabilityEvents.$inferInsert
export type EventSeverity = (typeof eventSeverity.enumValues)[number]
