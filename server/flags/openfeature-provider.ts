import {
  ErrorCode,
  StandardResolutionReasons,
  type EvaluationContext as OpenFeatureContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  type ResolutionReason,
} from '@openfeature/server-sdk'
import { flagDefinition, type FlagValue, type FlagValueType } from './definitions.ts'
import type { Evaluation, EvaluationContext } from './evaluate.ts'

export const MAITRE_PROVIDER_NAME = 'maitre'

/** What the provider needs: the pure evaluation over the in-process rule snapshot. */
export interface FlagEvaluator {
  evaluate(flagKey: string, context: EvaluationContext): Evaluation
}

/** Maitre's reasons mapped onto the OpenFeature standard ones (the precise one rides in flagMetadata). */
export function standardReason(evaluation: Evaluation): ResolutionReason {
  switch (evaluation.reason) {
    case 'ENV_OVERRIDE':
      return StandardResolutionReasons.STATIC
    case 'DEFAULT':
      return StandardResolutionReasons.DEFAULT
    case 'RESTAURANT_RULE_DISABLED':
    case 'GLOBAL_RULE_DISABLED':
      return StandardResolutionReasons.DISABLED
    default:
      return evaluation.split ? StandardResolutionReasons.SPLIT : StandardResolutionReasons.TARGETING_MATCH
  }
}

/** OpenFeature's context to Maitre's: targetingKey is the restaurant id, bookingId rides beside it. */
export function maitreContext(context: OpenFeatureContext): EvaluationContext {
  const bookingId = context.bookingId
  return {
    restaurantId: context.targetingKey ?? null,
    bookingId: typeof bookingId === 'string' && bookingId.length > 0 ? bookingId : null,
  }
}

/** The context the engine passes to OpenFeature for a restaurant (and booking). */
export function openFeatureContext(context: EvaluationContext): OpenFeatureContext {
  return {
    ...(context.restaurantId ? { targetingKey: context.restaurantId } : {}),
    ...(context.bookingId ? { bookingId: context.bookingId } : {}),
  }
}

/**
 * Maitre's OpenFeature provider over its own tables (through the in-process rule snapshot).
 * Another backend (flagd, a vendor) replaces it by implementing the same Provider interface;
 * see docs/flags.md.
 */
export class MaitreFlagProvider implements Provider {
  readonly metadata = { name: MAITRE_PROVIDER_NAME }
  readonly runsOn = 'server' as const

  constructor(private readonly evaluator: FlagEvaluator) {}

  private resolve<T extends FlagValue>(
    flagKey: string,
    expected: FlagValueType,
    defaultValue: T,
    context: OpenFeatureContext,
  ): ResolutionDetails<T> {
    const definition = flagDefinition(flagKey)
    if (!definition) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: `There is no flag "${flagKey}"; see server/flags/definitions.ts`,
      }
    }
    if (definition.valueType !== expected) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.TYPE_MISMATCH,
        errorMessage: `Flag "${flagKey}" is a ${definition.valueType} flag, read as ${expected}`,
      }
    }
    const evaluation = this.evaluator.evaluate(flagKey, maitreContext(context))
    return {
      value: evaluation.value as T,
      variant: evaluation.variant,
      reason: standardReason(evaluation),
      flagMetadata: { maitreReason: evaluation.reason },
    }
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: OpenFeatureContext) {
    return this.resolve(flagKey, 'boolean', defaultValue, context)
  }

  async resolveNumberEvaluation(flagKey: string, defaultValue: number, context: OpenFeatureContext) {
    return this.resolve(flagKey, 'number', defaultValue, context)
  }

  async resolveStringEvaluation(flagKey: string, defaultValue: string, context: OpenFeatureContext) {
    return this.resolve(flagKey, 'string', defaultValue, context)
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: `Maitre has no object flags; "${flagKey}" cannot be read as an object`,
    }
  }
}
