import { bigserial, boolean, doublePrecision, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Alert rules as data over catalogue metrics, with their current state (server/alerts). */
export const alertRules = pgTable('alert_rules', {
  key: text('key').primaryKey(),
  description: text('description').notNull(),
  severity: text('severity').$type<'P1' | 'P2' | 'P3'>().notNull(),
  metric: text('metric').notNull(),
  /** for reason_share_pct */
  reason: text('reason'),
  comparator: text('comparator').$type<'gt' | 'gte' | 'lt' | 'lte'>().notNull(),
  /** absolute threshold; null when the rule is relative to the baseline */
  threshold: doublePrecision('threshold'),
  relativeTo: text('relative_to').$type<'baseline' | null>(),
  /** relative rules: breached beyond baseline * (1 + maxDeltaPct / 100) (or below 1 - for lt/lte) */
  maxDeltaPct: doublePrecision('max_delta_pct'),
  baselineMinutes: integer('baseline_minutes').notNull().default(1440),
  windowMinutes: integer('window_minutes').notNull(),
  forMinutes: integer('for_minutes').notNull().default(0),
  minSample: integer('min_sample').notNull().default(0),
  enabled: boolean('enabled').notNull().default(true),
  state: text('state').$type<'ok' | 'pending' | 'firing'>().notNull().default('ok'),
  since: timestamp('since', { withTimezone: true }),
  value: doublePrecision('value'),
  baseline: doublePrecision('baseline'),
  sampleSize: integer('sample_size'),
  evaluatedAt: timestamp('evaluated_at', { withTimezone: true }),
  ackedAt: timestamp('acked_at', { withTimezone: true }),
  ackedBy: text('acked_by'),
  silencedUntil: timestamp('silenced_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull().default('seed'),
})

export const alertTransitions = pgTable(
  'alert_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    fromState: text('from_state').notNull(),
    /** 'pending' | 'firing' | 'resolved' (firing -> ok) | 'ok' (pending -> ok) */
    toState: text('to_state').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold'),
  },
  (t) => [index('alert_transitions_at_idx').on(t.at), index('alert_transitions_key_idx').on(t.key, t.at)],
)

export type AlertRuleRow = typeof alertRules.$inferSelect
export type AlertTransitionRow = typeof alertTransitions.$inferSelect
