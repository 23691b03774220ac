import type { FlagDefinition, FlagValue } from './definitions.ts'
import { rolloutBucket } from './murmurhash3.ts'

export interface RuleSnapshot {
  enabled: boolean
  rolloutPercent: number
  value: FlagValue | null
}

export interface EvaluationContext {
  restaurantId?: string | null
  bookingId?: string | null
}

/** Maitre's precise reason; the OpenFeature provider maps each to a standard reason. */
export const EVALUATION_REASONS = [
  'ENV_OVERRIDE',
  'RESTAURANT_RULE',
  'RESTAURANT_RULE_OUT_OF_ROLLOUT',
  'RESTAURANT_RULE_DISABLED',
  'GLOBAL_RULE',
  'GLOBAL_RULE_OUT_OF_ROLLOUT',
  'GLOBAL_RULE_DISABLED',
  'DEFAULT',
] as const
export type EvaluationReason = (typeof EVALUATION_REASONS)[number]

/**
 * Bounded set of variants, so the evaluation counter's cardinality stays small: `on` when a rule
 * serves its value, `off` when a rule (disabled, or outside its rollout) serves the off value.
 */
export type EvaluationVariant = 'env' | 'on' | 'off' | 'default'

export interface Evaluation {
  value: FlagValue
  reason: EvaluationReason
  variant: EvaluationVariant
  /** true when the subject's rollout bucket decided the outcome (a rule between 0 and 100 %) */
  split: boolean
}

/** The value a rule serves when it is on: its own value, or `true` for boolean flags. */
function servedValue(definition: FlagDefinition, rule: RuleSnapshot): FlagValue {
  if (rule.value !== null && rule.value !== undefined) return rule.value
  return definition.valueType === 'boolean' ? true : definition.defaultValue
}

/** Off for a boolean flag is false; for other types it falls back to the default. */
function offValue(definition: FlagDefinition): FlagValue {
  return definition.valueType === 'boolean' ? false : definition.defaultValue
}

/** True when `subjectId` falls inside a sticky `percent` rollout of the flag. */
export function inRollout(flagKey: string, subjectId: string, percent: number): boolean {
  if (percent >= 100) return true
  if (percent <= 0) return false
  return rolloutBucket(flagKey, subjectId) <= percent
}

/**
 * Precedence: environment override > restaurant rule > global rule > default.
 * A restaurant rule ramps over that restaurant's bookings; a global rule ramps over restaurants.
 */
export function evaluateFlag(
  definition: FlagDefinition,
  rules: { global?: RuleSnapshot; restaurant?: RuleSnapshot },
  context: EvaluationContext,
  envOverride: FlagValue | undefined,
): Evaluation {
  if (envOverride !== undefined) return { value: envOverride, reason: 'ENV_OVERRIDE', variant: 'env', split: false }
  if (rules.restaurant && context.restaurantId) {
    const rule = rules.restaurant
    if (!rule.enabled) {
      return { value: offValue(definition), reason: 'RESTAURANT_RULE_DISABLED', variant: 'off', split: false }
    }
    const subject = context.bookingId ?? context.restaurantId
    const split = rule.rolloutPercent < 100
    if (inRollout(definition.key, subject, rule.rolloutPercent)) {
      return { value: servedValue(definition, rule), reason: 'RESTAURANT_RULE', variant: 'on', split }
    }
    return { value: offValue(definition), reason: 'RESTAURANT_RULE_OUT_OF_ROLLOUT', variant: 'off', split }
  }
  if (rules.global) {
    const rule = rules.global
    if (!rule.enabled)
      return { value: offValue(definition), reason: 'GLOBAL_RULE_DISABLED', variant: 'off', split: false }
    const subject = context.restaurantId
    const split = rule.rolloutPercent < 100
    const inside = !split || (subject ? inRollout(definition.key, subject, rule.rolloutPercent) : false)
    if (inside) return { value: servedValue(definition, rule), reason: 'GLOBAL_RULE', variant: 'on', split }
    return { value: offValue(definition), reason: 'GLOBAL_RULE_OUT_OF_ROLLOUT', variant: 'off', split }
  }
  return { value: definition.defaultValue, reason: 'DEFAULT', variant: 'default', split: false }
}
