import type { EvaluationDetails, FlagValue, Hook, HookContext } from '@openfeature/server-sdk'
import type { Counter } from 'prom-client'

/**
 * Counts every evaluation by flag, variant and reason (Prometheus), whichever provider answers:
 * the hook sits on the OpenFeature client, not in Maitre's provider.
 */
export function createEvaluationMetricsHook(counter: Counter<'flag' | 'variant' | 'reason'>): Hook {
  return {
    finally(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>) {
      counter.inc({
        flag: hookContext.flagKey,
        variant: details.variant ?? 'none',
        reason: details.reason ?? 'UNKNOWN',
      })
    },
  }
}
