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

export type EvaluationReason =
  | 'ENV_OVERRIDE'
  | 'RESTAURANT_RULE'
  | 'RESTAURANT_RULE_OUT_OF_ROLLOUT'
  | 'RESTAURANT_RULE_DISABLED'
  | 'GLOBAL_RULE'
  | 'GLOBAL_RULE_OUT_OF_ROLLOUT'
  | 'GLOBAL_RULE_DISABLED'
  | 'DEFAULT'

export interface Evaluation {
  value: FlagValue
  reason: EvaluationReason
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
  if (envOverride !== undefined) return { value: envOverride, reason: 'ENV_OVERRIDE' }
  if (rules.restaurant && context.restaurantId) {
    const rule = rules.restaurant
    if (!rule.enabled) return { value: offValue(definition), reason: 'RESTAURANT_RULE_DISABLED' }
    const subject = context.bookingId ?? context.restaurantId
    if (rule.rolloutPercent >= 100 || rolloutBucket(definition.key, subject) <= rule.rolloutPercent) {
      return { value: servedValue(definition, rule), reason: 'RESTAURANT_RULE' }
    }
    return { value: offValue(definition), reason: 'RESTAURANT_RULE_OUT_OF_ROLLOUT' }
  }
  if (rules.global) {
    const rule = rules.global
    if (!rule.enabled) return { value: offValue(definition), reason: 'GLOBAL_RULE_DISABLED' }
    const subject = context.restaurantId
    const inRollout =
      rule.rolloutPercent >= 100 || (subject ? rolloutBucket(definition.key, subject) <= rule.rolloutPercent : false)
    if (inRollout) return { value: servedValue(definition, rule), reason: 'GLOBAL_RULE' }
    return { value: offValue(definition), reason: 'GLOBAL_RULE_OUT_OF_ROLLOUT' }
  }
  return { value: definition.defaultValue, reason: 'DEFAULT' }
}
