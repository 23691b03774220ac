import crypto from 'node:crypto'
import { OpenFeature, type Client, type Provider } from '@openfeature/server-sdk'
import type { Database, Executor } from '../db/client.ts'
import {
  deleteRule,
  insertFlagAudit,
  listFlagAudit,
  lockRule,
  notifyFlagChange,
  syncFlagDefinitions,
  upsertRule,
  type FlagRule,
} from '../db/queries/flags.ts'
import { AppError } from '../errors.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import type { Metrics } from '../observability/metrics.ts'
import {
  FLAG_DEFINITIONS,
  flagDefinition,
  ruleValueSchema,
  type BooleanFlag,
  type FlagDefinition,
  type FlagKey,
  type FlagOverrides,
  type FlagValue,
  type NumberFlag,
} from './definitions.ts'
import { evaluateFlag, type Evaluation, type EvaluationContext, type EvaluationReason } from './evaluate.ts'
import { createEvaluationMetricsHook } from './evaluation-metrics-hook.ts'
import { listenForFlagChanges, type FlagChangeListener } from './flag-change-listener.ts'
import { FLAG_CHANGES_CHANNEL, FLAG_EVENTS, MAX_COMMENT_LENGTH } from './flag-events.ts'
import { MaitreFlagProvider, openFeatureContext } from './openfeature-provider.ts'
import { createRuleSnapshotStore } from './rule-snapshot.ts'

export interface FlagServiceOptions {
  /** how often the rule snapshot is reloaded (the fallback when no notification arrives) */
  refreshIntervalMs?: number
  events?: EventRecorder
  metrics?: Metrics
  /** Postgres: LISTEN for changes on a dedicated connection; absent (PGlite): poll only */
  databaseUrl?: string
  /** another OpenFeature backend instead of Maitre's provider (docs/flags.md) */
  provider?: Provider
  log?: (message: string) => void
}

/** The scope of a rule: one restaurant, or null for the global rule. */
export interface RuleScope {
  restaurantId: string | null
}

export interface RuleInput {
  enabled: boolean
  rolloutPercent?: number
  value?: FlagValue | null
}

/** Who changes a rule and why; the ramp runner passes its ramp. */
export interface ChangeContext {
  actor: string
  comment: string
  rampId?: string | null
  /** audit action; default set_rule / delete_rule */
  action?: string
}

export interface FlagDetails {
  value: FlagValue
  /** OpenFeature standard reason: STATIC, DEFAULT, TARGETING_MATCH, SPLIT, DISABLED, ERROR */
  reason: string
  /** Maitre's precise reason (which rule decided), when Maitre's provider answered */
  detail: EvaluationReason | null
  variant: string | null
  errorCode?: string
}

export interface RuleChange {
  flagKey: string
  restaurantId: string | null
  before: FlagRule | null
  after: FlagRule | null
  actor: string
  comment: string
  rampId: string | null
}

export const ruleView = (rule: FlagRule | null) =>
  rule ? { enabled: rule.enabled, rolloutPercent: rule.rolloutPercent, value: rule.value } : null

export function requireFlag(key: string): FlagDefinition & { key: FlagKey } {
  const definition = flagDefinition(key)
  if (!definition) {
    throw new AppError(
      'FLAG_UNKNOWN',
      `There is no flag "${key}". Known flags: ${FLAG_DEFINITIONS.map((d) => d.key).join(', ')}`,
      404,
    )
  }
  return definition as FlagDefinition & { key: FlagKey }
}

function requireComment(comment: string): string {
  const trimmed = comment.trim()
  if (!trimmed) {
    throw new AppError('COMMENT_REQUIRED', 'Say why in "comment": every flag change is audited with its reason', 400)
  }
  if (trimmed.length > MAX_COMMENT_LENGTH) {
    throw new AppError('COMMENT_TOO_LONG', `Keep the comment under ${MAX_COMMENT_LENGTH} characters`, 400)
  }
  return trimmed
}

/** Checks a rule against its flag's type and bounds; returns the normalised row values. */
export function validateRule(definition: FlagDefinition, rule: RuleInput) {
  const percent = rule.rolloutPercent ?? 100
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new AppError('ROLLOUT_PERCENT_INVALID', 'rolloutPercent is a whole number from 0 to 100', 400)
  }
  const value = rule.value ?? null
  if (value !== null) {
    const parsed = ruleValueSchema(definition).safeParse(value)
    if (!parsed.success) {
      const bounds =
        definition.valueType === 'number' && (definition.min !== undefined || definition.max !== undefined)
          ? ` from ${definition.min ?? '-∞'} to ${definition.max ?? '∞'}`
          : ''
      throw new AppError(
        'FLAG_VALUE_INVALID',
        `"${definition.key}" is a ${definition.valueType} flag: value must be a ${definition.valueType}${bounds}`,
        400,
        parsed.error.issues,
      )
    }
  }
  return { enabled: rule.enabled, rolloutPercent: percent, value }
}

/**
 * The engine's flags: typed reads through OpenFeature (Maitre's provider over an in-memory
 * snapshot of flag_rules, so a read costs no query), and audited rule changes that reach every
 * engine process within 2 s (NOTIFY on Postgres, the 1 s poll everywhere as the fallback).
 */
export function createFlagService(db: Database, overrides: FlagOverrides, options: FlagServiceOptions = {}) {
  const log = options.log ?? ((message: string) => console.error(message))
  const store = createRuleSnapshotStore(db, log)
  const envOverride = (key: string) => overrides[key as FlagKey]

  /** the pure evaluation over the snapshot: what Maitre's provider answers, and the pages preview */
  function evaluateLocal(key: string, context: EvaluationContext = {}): Evaluation {
    const definition = requireFlag(key)
    return evaluateFlag(definition, store.rulesFor(key, context.restaurantId), context, envOverride(key))
  }

  // One OpenFeature domain per engine: tests run several engines in one process, each with its
  // own provider and counters; production has one.
  const domain = `maitre-${crypto.randomUUID()}`
  OpenFeature.setProvider(domain, options.provider ?? new MaitreFlagProvider({ evaluate: evaluateLocal }))
  const client: Client = OpenFeature.getClient(domain)
  if (options.metrics) client.addHooks(createEvaluationMetricsHook(options.metrics.flagEvaluations))

  /**
   * How much of a restaurant's bookings a boolean flag is on for, from the snapshot (no query): 0
   * or 100, or the restaurant rule's rollout percent when that rule ramps over its bookings.
   * Pages summarise rules with it (the overview's pipeline column); the booking path uses boolean().
   */
  function exposure(key: BooleanFlag, restaurantId: string): { percent: number; reason: EvaluationReason } {
    const evaluation = evaluateLocal(key, { restaurantId })
    const rule = store.rulesFor(key, restaurantId).restaurant
    if (evaluation.split && rule && evaluation.reason.startsWith('RESTAURANT_RULE')) {
      const served = rule.value ?? true
      return { percent: served === true ? rule.rolloutPercent : 0, reason: evaluation.reason }
    }
    return { percent: evaluation.value === true ? 100 : 0, reason: evaluation.reason }
  }

  let timer: NodeJS.Timeout | undefined
  let listener: FlagChangeListener | undefined

  async function boolean(key: BooleanFlag, context: EvaluationContext = {}): Promise<boolean> {
    const definition = requireFlag(key)
    return client.getBooleanValue(key, definition.defaultValue as boolean, openFeatureContext(context))
  }

  async function number(key: NumberFlag, context: EvaluationContext = {}): Promise<number> {
    const definition = requireFlag(key)
    return client.getNumberValue(key, definition.defaultValue as number, openFeatureContext(context))
  }

  /** value and reason of any flag, through OpenFeature (GET /api/flags/:key/evaluate) */
  async function details(key: string, context: EvaluationContext = {}): Promise<FlagDetails> {
    const definition = requireFlag(key)
    const ofContext = openFeatureContext(context)
    const result =
      definition.valueType === 'boolean'
        ? await client.getBooleanDetails(key, definition.defaultValue as boolean, ofContext)
        : definition.valueType === 'number'
          ? await client.getNumberDetails(key, definition.defaultValue as number, ofContext)
          : await client.getStringDetails(key, String(definition.defaultValue), ofContext)
    const maitreReason = result.flagMetadata?.maitreReason
    return {
      value: result.value,
      reason: result.reason ?? 'UNKNOWN',
      detail: typeof maitreReason === 'string' ? (maitreReason as EvaluationReason) : null,
      variant: result.variant ?? null,
      ...(result.errorCode ? { errorCode: result.errorCode } : {}),
    }
  }

  /** refreshes this process's snapshot and emits flag.rule_changed for changes that committed */
  async function publish(changes: readonly RuleChange[]): Promise<void> {
    if (changes.length === 0) return
    await store.refresh()
    for (const change of changes) {
      options.events?.record({
        type: FLAG_EVENTS.ruleChanged,
        source: 'flags',
        restaurantId: change.restaurantId,
        context: {
          flag: change.flagKey,
          restaurant_id: change.restaurantId,
          actor: change.actor,
          comment: change.comment,
          ramp_id: change.rampId,
          before: ruleView(change.before),
          after: ruleView(change.after),
        },
      })
    }
  }

  /**
   * Writes a rule inside the caller's transaction: locks the scope's rule, upserts, audits and
   * notifies (delivered at commit). Call publish() with the result after the commit. With
   * skipIfUnchanged a rule that already has these values is left alone and returns null.
   */
  async function writeRule(
    tx: Executor,
    key: string,
    scope: RuleScope,
    rule: RuleInput,
    context: ChangeContext,
    writeOptions: { skipIfUnchanged?: boolean } = {},
  ): Promise<RuleChange | null> {
    const definition = requireFlag(key)
    const values = validateRule(definition, rule)
    const comment = requireComment(context.comment)
    const before = await lockRule(tx, key, scope.restaurantId)
    if (
      writeOptions.skipIfUnchanged &&
      before &&
      before.enabled === values.enabled &&
      before.rolloutPercent === values.rolloutPercent &&
      JSON.stringify(before.value ?? null) === JSON.stringify(values.value)
    ) {
      return null
    }
    const after = await upsertRule(tx, {
      flagKey: key,
      restaurantId: scope.restaurantId,
      ...values,
      updatedBy: context.actor,
    })
    await insertFlagAudit(tx, {
      flagKey: key,
      restaurantId: scope.restaurantId,
      actor: context.actor,
      action: context.action ?? 'set_rule',
      before: ruleView(before),
      after: ruleView(after),
      comment,
      rampId: context.rampId,
    })
    await notifyFlagChange(tx, FLAG_CHANGES_CHANNEL, key)
    return {
      flagKey: key,
      restaurantId: scope.restaurantId,
      before,
      after,
      actor: context.actor,
      comment,
      rampId: context.rampId ?? null,
    }
  }

  /** Sets the rule at a scope: validated, audited with its reason, live everywhere within 2 s. */
  async function setRule(key: string, scope: RuleScope, rule: RuleInput, context: ChangeContext): Promise<FlagRule> {
    const change = await db.transaction((tx) => writeRule(tx, key, scope, rule, context))
    await publish([change!])
    return change!.after!
  }

  /** Removes the rule at a scope (the flag falls back to the next rule in precedence). */
  async function removeRule(key: string, scope: RuleScope, context: ChangeContext): Promise<RuleChange> {
    requireFlag(key)
    const comment = requireComment(context.comment)
    const change = await db.transaction(async (tx): Promise<RuleChange | null> => {
      const before = await lockRule(tx, key, scope.restaurantId)
      if (!before) return null
      await deleteRule(tx, key, scope.restaurantId)
      await insertFlagAudit(tx, {
        flagKey: key,
        restaurantId: scope.restaurantId,
        actor: context.actor,
        action: context.action ?? 'delete_rule',
        before: ruleView(before),
        after: null,
        comment,
        rampId: context.rampId,
      })
      await notifyFlagChange(tx, FLAG_CHANGES_CHANNEL, key)
      return {
        flagKey: key,
        restaurantId: scope.restaurantId,
        before,
        after: null,
        actor: context.actor,
        comment,
        rampId: context.rampId ?? null,
      }
    })
    if (!change) {
      throw new AppError(
        'RULE_NOT_FOUND',
        `Flag "${key}" has no ${scope.restaurantId ? 'rule for this restaurant' : 'global rule'} to delete`,
        404,
      )
    }
    await publish([change])
    return change
  }

  return {
    definitions: FLAG_DEFINITIONS as readonly FlagDefinition[],
    overrides,
    envOverride,
    /** writes the definitions into feature_flags, takes the first snapshot and starts listening */
    async start() {
      await syncFlagDefinitions(db, FLAG_DEFINITIONS)
      await store.refresh()
      timer = setInterval(() => void store.refresh(), options.refreshIntervalMs ?? 1000)
      timer.unref()
      if (options.databaseUrl) {
        listener = listenForFlagChanges({
          databaseUrl: options.databaseUrl,
          channel: FLAG_CHANGES_CHANNEL,
          onChange: () => void store.refresh(),
          log,
        })
      }
    },
    refresh: () => store.refresh(),
    /** every rule as last loaded, with restaurant slugs */
    rules: () => store.rows(),
    /** true while the LISTEN connection is up (Postgres only) */
    isListening: () => listener?.isListening() ?? false,
    evaluateLocal,
    exposure,
    details,
    boolean,
    number,
    setRule,
    removeRule,
    writeRule,
    publish,
    async audit(key: string, limit = 200) {
      requireFlag(key)
      return listFlagAudit(db, key, Math.min(Math.max(limit, 1), 1000))
    },
    async stop() {
      if (timer) clearInterval(timer)
      await listener?.stop()
      // hand the domain a no-op provider so the old one is closed and its snapshot released
      await OpenFeature.setProviderAndWait(domain, { metadata: { name: 'closed' }, runsOn: 'server', ...noopResolvers })
    },
  }
}

const noopResolvers = {
  resolveBooleanEvaluation: async (_key: string, value: boolean) => ({ value, reason: 'DISABLED' }),
  resolveNumberEvaluation: async (_key: string, value: number) => ({ value, reason: 'DISABLED' }),
  resolveStringEvaluation: async (_key: string, value: string) => ({ value, reason: 'DISABLED' }),
  resolveObjectEvaluation: async <T>(_key: string, value: T) => ({ value, reason: 'DISABLED' }),
}

export type FlagService = ReturnType<typeof createFlagService>
