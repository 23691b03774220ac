import {
  bigint,
  bigserial,
  doublePrecision,
  index,
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

/**
 * Aggregates of the analytics series (server/analytics/series.ts) per minute, hour and day, so
 * dashboards stay fast when raw events number in millions. Each group is stored for its
 * restaurant and pipeline and also for '*' (every restaurant, every pipeline): a read takes one
 * slice instead of summing restaurants at query time. `hist` is a mergeable log-scale sketch of
 * the series' value (server/analytics/sketch.ts): bucket index -> count.
 */
export const observabilityRollups = pgTable(
  'observability_rollups',
  {
    series: text('series').notNull(),
    /** restaurant id, '*' for every restaurant, '' for events without one */
    restaurantKey: text('restaurant_key').notNull(),
    /** 'legacy' | 'v3', or '*' for every pipeline */
    pipelineKey: text('pipeline_key').notNull(),
    grain: text('grain').$type<'minute' | 'hour' | 'day'>().notNull(),
    bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
    label: text('label').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    countA: bigint('count_a', { mode: 'number' }).notNull().default(0),
    countB: bigint('count_b', { mode: 'number' }).notNull().default(0),
    valueSum: doublePrecision('value_sum').notNull().default(0),
    valueMax: doublePrecision('value_max'),
    hist: jsonb('hist').$type<Record<string, number>>().notNull().default({}),
  },
  (t) => [
    primaryKey({
      name: 'observability_rollups_pk',
      columns: [t.series, t.restaurantKey, t.pipelineKey, t.grain, t.bucketStart, t.label],
    }),
  ],
)

/** How far each grain is rolled up: [.., rolled_until) is in observability_rollups. */
export const observabilityRollupMarks = pgTable('observability_rollup_marks', {
  grain: text('grain').primaryKey(),
  rolledUntil: timestamp('rolled_until', { withTimezone: true }).notNull(),
})

export type ObservabilityEvent = typeof observabilityEvents.$inferSelect
export type NewObservabilityEvent = typeof observabilityEvents.$inferInsert
export type EventSeverity = (typeof eventSeverity.enumValues)[number]
