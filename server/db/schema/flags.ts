import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
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
import type { GuardrailSpec, GuardrailStatus, RampHistoryEntry, RampStage } from '../../flags/ramps/ramp-types.ts'

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

export const flagRamps = pgTable(
  'flag_ramps',
  {
    id: id(),
    flagKey: text('flag_key')
      .notNull()
      .references(() => featureFlags.key, { onDelete: 'cascade' }),
    restaurantId: uuid('restaurant_id').references(() => restaurants.id, { onDelete: 'cascade' }),
    stages: jsonb('stages').$type<RampStage[]>().notNull(),
    guardrails: jsonb('guardrails').$type<GuardrailSpec[]>().notNull().default([]),
    state: flagRampState('state').notNull().default('scheduled'),
    currentStage: integer('current_stage').notNull().default(0),
    nextStageAt: timestamp('next_stage_at', { withTimezone: true }),
    lastReason: text('last_reason'),
    createdBy: text('created_by'),
    /** when a scheduled ramp starts; null: at the runner's next tick */
    startAt: timestamp('start_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    stageStartedAt: timestamp('stage_started_at', { withTimezone: true }),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    template: text('template'),
    /** the latest reading of every guardrail of the current stage, with its breach clock */
    guardrailStatus: jsonb('guardrail_status').$type<GuardrailStatus[]>().notNull().default([]),
    history: jsonb('history').$type<RampHistoryEntry[]>().notNull().default([]),
    /** bumped on every change: writers fence on it, so a person and the runner cannot both win */
    version: integer('version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('flag_ramps_state_idx').on(t.state),
    index('flag_ramps_flag_idx').on(t.flagKey, t.createdAt),
    // flag_ramps_one_active (a partial unique index on an expression) lives in migration 0008
  ],
)

/** Every guardrail reading the runner took, so a ramp's page can draw value against limit over time. */
export const flagRampReadings = pgTable(
  'flag_ramp_readings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    rampId: uuid('ramp_id')
      .notNull()
      .references(() => flagRamps.id, { onDelete: 'cascade' }),
    stage: integer('stage').notNull(),
    guardrail: integer('guardrail').notNull(),
    metric: text('metric').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    value: doublePrecision('value'),
    limit: doublePrecision('limit'),
    sampleSize: integer('sample_size').notNull(),
    status: text('status').notNull(),
  },
  (t) => [index('flag_ramp_readings_ramp_idx').on(t.rampId, t.at)],
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
    /** the person's "why" (required for every change made by a person or the API) */
    comment: text('comment'),
    rampId: uuid('ramp_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('flag_audit_flag_idx').on(t.flagKey, t.occurredAt)],
)

export type FeatureFlag = typeof featureFlags.$inferSelect
export type FlagRule = typeof flagRules.$inferSelect
export type FlagRamp = typeof flagRamps.$inferSelect
export type FlagAuditEntry = typeof flagAudit.$inferSelect
export type FlagRampReading = typeof flagRampReadings.$inferSelect
