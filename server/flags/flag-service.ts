import { eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { featureFlags, flagAudit, flagRules } from '../db/schema/flags.ts'
import type { FlagOverrides } from '../config.ts'
import { AppError } from '../errors.ts'
import { FLAG_DEFINITIONS, flagDefinition, type FlagDefinition, type FlagValue } from './definitions.ts'
import { evaluateFlag, type Evaluation, type EvaluationContext, type RuleSnapshot } from './evaluate.ts'

interface RulesSnapshot {
  global: Map<string, RuleSnapshot>
  byRestaurant: Map<string, RuleSnapshot>
}

const restaurantRuleKey = (flagKey: string, restaurantId: string) => `${flagKey}|${restaurantId}`

export interface FlagServiceOptions {
  /** how often the rule snapshot is reloaded; changes are live within this plus a query */
  refreshIntervalMs?: number
}

/**
 * Reads flags from an in-memory snapshot of the rules, reloaded every second, so a flag check on
 * the booking path costs no query and a change reaches every process within two seconds.
 */
export function createFlagService(db: Database, overrides: FlagOverrides, options: FlagServiceOptions = {}) {
  let snapshot: RulesSnapshot = { global: new Map(), byRestaurant: new Map() }
  let refreshing: Promise<void> | undefined

  async function refresh(): Promise<void> {
    refreshing ??= (async () => {
      try {
        const rows = await db.select().from(flagRules)
        const next: RulesSnapshot = { global: new Map(), byRestaurant: new Map() }
        for (const row of rows) {
          const rule = {
            enabled: row.enabled,
            rolloutPercent: row.rolloutPercent,
            value: row.value as FlagValue | null,
          }
          if (row.restaurantId) next.byRestaurant.set(restaurantRuleKey(row.flagKey, row.restaurantId), rule)
          else next.global.set(row.flagKey, rule)
        }
        snapshot = next
      } catch (error) {
        // keep serving the last snapshot; the next tick retries
        console.error('[flags] refresh failed:', (error as Error).message)
      } finally {
        refreshing = undefined
      }
    })()
    return refreshing
  }

  const timer = setInterval(() => void refresh(), options.refreshIntervalMs ?? 1000)
  timer.unref()

  function evaluate(key: string, context: EvaluationContext = {}): Evaluation {
    const definition = flagDefinition(key)
    if (!definition) throw new AppError('FLAG_UNKNOWN', `There is no flag "${key}"`, 404)
    return evaluateFlag(
      definition,
      {
        global: snapshot.global.get(key),
        restaurant: context.restaurantId
          ? snapshot.byRestaurant.get(restaurantRuleKey(key, context.restaurantId))
          : undefined,
      },
      context,
      overrides[key],
    )
  }

  return {
    definitions: FLAG_DEFINITIONS as readonly FlagDefinition[],
    /** loads the definitions into feature_flags and takes the first snapshot */
    async start() {
      await db
        .insert(featureFlags)
        .values(
          FLAG_DEFINITIONS.map((definition) => ({
            key: definition.key,
            valueType: definition.valueType,
            description: definition.description,
            defaultValue: definition.defaultValue,
            envOverride: definition.envOverride,
          })),
        )
        .onConflictDoNothing()
      await refresh()
    },
    refresh,
    evaluate,
    boolean: (key: string, context?: EvaluationContext) => evaluate(key, context).value === true,
    number: (key: string, context?: EvaluationContext) => {
      const value = evaluate(key, context).value
      return typeof value === 'number' ? value : Number(flagDefinition(key)!.defaultValue)
    },
    async setRule(
      key: string,
      restaurantId: string | null,
      rule: { enabled: boolean; rolloutPercent?: number; value?: FlagValue | null },
      actor: string,
    ) {
      if (!flagDefinition(key)) throw new AppError('FLAG_UNKNOWN', `There is no flag "${key}"`, 404)
      await db.transaction(async (tx) => {
        const existing = await tx.select().from(flagRules).where(eq(flagRules.flagKey, key))
        const before = existing.find((row) => row.restaurantId === restaurantId) ?? null
        const values = {
          flagKey: key,
          restaurantId,
          enabled: rule.enabled,
          rolloutPercent: rule.rolloutPercent ?? 100,
          value: rule.value ?? null,
          updatedBy: actor,
          updatedAt: new Date(),
        }
        await tx
          .insert(flagRules)
          .values(values)
          .onConflictDoUpdate({ target: [flagRules.flagKey, flagRules.restaurantId], set: values })
        await tx
          .insert(flagAudit)
          .values({ flagKey: key, restaurantId, actor, action: 'set_rule', before, after: values })
      })
      await refresh()
    },
    stop() {
      clearInterval(timer)
    },
  }
}

export type FlagService = ReturnType<typeof createFlagService>
