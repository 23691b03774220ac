import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { featureFlags, flagAudit, flagRules, type FlagRule } from '../schema/flags.ts'
import { bookings } from '../schema/bookings.ts'
import { restaurants } from '../schema/restaurants.ts'
import type { FlagDefinition, FlagValue } from '../../flags/definitions.ts'

export type { FlagRule }

/** A rule with its restaurant's slug (null: the global rule). */
export type FlagRuleRow = FlagRule & { restaurantSlug: string | null }

/**
 * Writes the definitions into feature_flags, updating description and default when the code
 * changed them: the table mirrors FLAG_DEFINITIONS, it never overrides it.
 */
export async function syncFlagDefinitions(db: Executor, definitions: readonly FlagDefinition[]): Promise<void> {
  if (definitions.length === 0) return
  await db
    .insert(featureFlags)
    .values(
      definitions.map((definition) => ({
        key: definition.key,
        valueType: definition.valueType,
        description: definition.description,
        defaultValue: definition.defaultValue,
        envOverride: definition.envOverride,
      })),
    )
    .onConflictDoUpdate({
      target: featureFlags.key,
      set: {
        valueType: sql`excluded.value_type`,
        description: sql`excluded.description`,
        defaultValue: sql`excluded.default_value`,
        envOverride: sql`excluded.env_override`,
        updatedAt: sql`now()`,
      },
    })
}

/** Every rule of every flag: the in-process snapshot the evaluations read. */
export async function listAllRules(db: Executor): Promise<FlagRuleRow[]> {
  const rows = await db
    .select({ rule: flagRules, restaurantSlug: restaurants.slug })
    .from(flagRules)
    .leftJoin(restaurants, eq(restaurants.id, flagRules.restaurantId))
    .orderBy(flagRules.flagKey, restaurants.slug)
  return rows.map((row) => ({ ...row.rule, restaurantSlug: row.restaurantSlug }))
}

const scopeIs = (restaurantId: string | null) =>
  restaurantId === null ? isNull(flagRules.restaurantId) : eq(flagRules.restaurantId, restaurantId)

/**
 * The rule at one scope, locked until the transaction ends (FOR UPDATE), so two writers of the
 * same rule serialise and each audit row's "before" is what the other left.
 */
export async function lockRule(tx: Executor, flagKey: string, restaurantId: string | null): Promise<FlagRule | null> {
  const [row] = await tx
    .select()
    .from(flagRules)
    .where(and(eq(flagRules.flagKey, flagKey), scopeIs(restaurantId)))
    .for('update')
  return row ?? null
}

export interface RuleWrite {
  flagKey: string
  restaurantId: string | null
  enabled: boolean
  rolloutPercent: number
  value: FlagValue | null
  updatedBy: string
}

/** Inserts or replaces the rule at its scope (unique nulls not distinct: one global rule per flag). */
export async function upsertRule(tx: Executor, rule: RuleWrite): Promise<FlagRule> {
  const values = { ...rule, updatedAt: new Date() }
  const [row] = await tx
    .insert(flagRules)
    .values(values)
    .onConflictDoUpdate({ target: [flagRules.flagKey, flagRules.restaurantId], set: values })
    .returning()
  return row!
}

export async function deleteRule(tx: Executor, flagKey: string, restaurantId: string | null): Promise<boolean> {
  const rows = await tx
    .delete(flagRules)
    .where(and(eq(flagRules.flagKey, flagKey), scopeIs(restaurantId)))
    .returning({ id: flagRules.id })
  return rows.length > 0
}

export interface AuditWrite {
  flagKey: string
  restaurantId: string | null
  actor: string
  action: string
  before: unknown
  after: unknown
  comment: string | null
  rampId?: string | null
}

export async function insertFlagAudit(tx: Executor, entry: AuditWrite): Promise<void> {
  await tx.insert(flagAudit).values({ ...entry, rampId: entry.rampId ?? null })
}

/** Newest first, with the restaurant's slug for display. */
export async function listFlagAudit(db: Executor, flagKey: string, limit: number) {
  return db
    .select({ entry: flagAudit, restaurantSlug: restaurants.slug })
    .from(flagAudit)
    .leftJoin(restaurants, eq(restaurants.id, flagAudit.restaurantId))
    .where(eq(flagAudit.flagKey, flagKey))
    .orderBy(desc(flagAudit.occurredAt), desc(flagAudit.id))
    .limit(limit)
}

/**
 * Tells every engine process listening on `channel` that the rules changed. Sent inside the
 * writer's transaction, so Postgres delivers it at commit and never for a rolled-back change.
 */
export async function notifyFlagChange(tx: Executor, channel: string, payload: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${channel}, ${payload})`)
}

/**
 * The most recent bookings of a restaurant (ids only): a restaurant rule ramps over bookings, so
 * the pages show which of these a percentage would have let in.
 */
export async function recentBookingIds(db: Executor, restaurantId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: bookings.id })
    .from(bookings)
    .where(eq(bookings.restaurantId, restaurantId))
    .orderBy(desc(bookings.createdAt))
    .limit(limit)
  return rows.map((row) => row.id)
}
