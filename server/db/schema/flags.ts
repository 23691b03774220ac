import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'
import { restaurants } from './restaurants.ts'

export const flagValueType = pgEnum('flag_value_type', ['boolean', 'number', 'string'])
export const flagRampState = pgEnum('flag_ramp_state', ['scheduled', 'running', 'paused', 'completed', 'rolled_back'])

export const featureFlags = pgTable('feature_flags', {
  key: text('key').primaryKey(),
  valueType: flagValueType('value_type').notNull(),
  description: text('description').notNull(),
  defaultValue: jsonb('default_value').$type<boolean | number | string>().notNull(),
  envOverride: text('env_override'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})

/** restaurant_id NULL is the global rule. */
export const flagRules = pgTable(
  'flag_rules',
  {
    id: id(),
    flagKey: text('flag_key')
      .notNull()
      .references(() => featureFlags.key, { onDelete: 'cascade' }),
    restaurantId: uuid('restaurant_id').references(() => restaurants.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull(),
    rolloutPercent: integer('rollout_percent').notNull().default(100),
    value: jsonb('value').$type<boolean | number | string | null>(),
    updatedBy: text('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('flag_rules_flag_restaurant').on(t.flagKey, t.restaurantId).nullsNotDistinct(),
    check('flag_rules_rollout_range', sql`${t.rolloutPercent} between 0 and 100`),
  ],
)

export interface RampStage {
  percent: number
  holdMinutes: number
}
export interface RampGuardrail {
  metric: string
  comparator: 'lte' | 'gte'
  threshold: number
}

export const flagRamps = pgTable(
  'flag_ramps',
  {
    id: id(),
    flagKey: text('flag_key')
      .notNull()
      .references(() => featureFlags.key, { onDelete: 'cascade' }),
    restaurantId: uuid('restaurant_id').references(() => restaurants.id, { onDelete: 'cascade' }),
    stages: jsonb('stages').$type<RampStage[]>().notNull(),
    guardrails: jsonb('guardrails').$type<RampGuardrail[]>().notNull().default([]),
    state: flagRampState('state').notNull().default('scheduled'),
    currentStage: integer('current_stage').notNull().default(0),
    nextStageAt: timestamp('next_stage_at', { withTimezone: true }),
    lastReason: text('last_reason'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('flag_ramps_state_idx').on(t.state)],
)

export const flagAudit = pgTable(
  'flag_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    flagKey: text('flag_key').notNull(),
    restaurantId: uuid('restaurant_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('flag_audit_flag_idx').on(t.flagKey, t.occurredAt)],
)

export type FeatureFlag = typeof featureFlags.$inferSelect
export type FlagRule = typeof flagRules.$inferSelect
export type FlagRamp = typeof flagRamps.$inferSelect
export type FlagAuditEntry = typeof flagAudit.$inferSelect
