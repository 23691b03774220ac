import type { AutoAssignResult } from '../db/schema/bookings.ts'
import { DEFAULT_KNOBS, type StrategyKnobs } from './quote.ts'
import type { ReasonCategory } from './reason-codes.ts'
import type { RetryDecisionName } from './retry-decisions.ts'

export { RETRY_DECISIONS, type RetryDecisionName } from './retry-decisions.ts'

export interface RetryTimings {
  /** attempts a job may make in all */
  maxAttempts: number
  /** first backoff after a transient failure; doubles each time, with jitter */
  transientBaseMs: number
  /** spacing between attempts when the floor is full (cancellations may free tables) */
  capacitySpacingMs: number
  /** attempts allowed for capacity failures under policy v2 */
  capacityAttempts: number
  /** an inline failure younger than this counts as the job's first attempt under policy v2 */
  inlineFreshnessMs: number
}

export const DEFAULT_RETRY_TIMINGS: RetryTimings = {
  maxAttempts: 5,
  transientBaseMs: 500,
  capacitySpacingMs: 30_000,
  capacityAttempts: 3,
  inlineFreshnessMs: 5 * 60_000,
}

/** True when a policy's knobs for an attempt are not the defaults (v2 relaxed them after an inline timeout). */
export function relaxesKnobs(knobs: StrategyKnobs): boolean {
  return knobs.maxTables !== DEFAULT_KNOBS.maxTables || knobs.requireAdjacency !== DEFAULT_KNOBS.requireAdjacency
}

/**
 * The v2 decision to record after a failed job attempt, or null: a hard stop, or a capacity stop
 * that came before maxAttempts (the cap). v1 never decides either.
 */
export function stopDecisionOf(
  policy: Pick<RetryPolicy, 'version'>,
  decision: RetryDecision,
  category: ReasonCategory | null,
  attemptNumber: number,
  timings: Pick<RetryTimings, 'maxAttempts'>,
): RetryDecisionName | null {
  if (policy.version !== 'v2' || decision.retry) return null
  if (decision.why === 'hard') return 'stop_on_hard_reason'
  if (category === 'capacity' && attemptNumber < timings.maxAttempts) return 'cap_capacity_retries'
  return null
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why: 'hard' | 'exhausted' }

export interface RetryPolicy {
  version: 'v1' | 'v2'
  /** knobs for the given attempt (1-based), given what the inline attempt did */
  knobsFor(attemptNumber: number, inline: AutoAssignResult | null): StrategyKnobs
  /** whether the first job attempt is skipped because a fresh inline failure already answered it */
  skipFirstAttempt(inline: AutoAssignResult | null, now: Date): boolean
  afterFailure(attemptNumber: number, category: ReasonCategory | null, random: () => number): RetryDecision
}

const withJitter = (ms: number, random: () => number) => Math.round(ms * (0.8 + 0.4 * random()))

/** v1 (legacy): every failure is retried the same way, up to maxAttempts, exponential backoff. */
export function legacyRetryPolicy(timings: RetryTimings): RetryPolicy {
  return {
    version: 'v1',
    knobsFor: () => DEFAULT_KNOBS,
    skipFirstAttempt: () => false,
    afterFailure(attemptNumber, _category, random) {
      if (attemptNumber >= timings.maxAttempts) return { retry: false, why: 'exhausted' }
      return { retry: true, delayMs: withJitter(timings.transientBaseMs * 2 ** (attemptNumber - 1), random) }
    },
  }
}

/**
 * v2: classify the reason.
 * - hard (PARTY_TOO_LARGE, NO_TABLES_IN_ZONE, ADJACENCY_UNSATISFIED, INVALID_REQUEST): stop now, manual review.
 * - capacity (NO_AVAILABILITY): at most `capacityAttempts`, spaced by `capacitySpacingMs`.
 * - transient (hold conflict, lock, timeout, database): exponential backoff up to maxAttempts.
 * A fresh inline hard failure skips the first attempt (it would fail the same way). After an inline
 * timeout the first job attempt relaxes the knobs: one more table may be merged (up to 4), since the
 * inline deadline may have cut off a search that the larger merge would have satisfied sooner.
 */
export function retryPolicyV2(timings: RetryTimings): RetryPolicy {
  return {
    version: 'v2',
    knobsFor(attemptNumber, inline) {
      const inlineTimedOut = inline?.reason === 'TIMEOUT'
      if (attemptNumber === 1 && inlineTimedOut) {
        return { requireAdjacency: DEFAULT_KNOBS.requireAdjacency, maxTables: Math.min(4, DEFAULT_KNOBS.maxTables + 1) }
      }
      return DEFAULT_KNOBS
    },
    skipFirstAttempt(inline, now) {
      if (!inline || inline.success || inline.reasonCategory !== 'hard') return false
      return now.getTime() - new Date(inline.at).getTime() <= timings.inlineFreshnessMs
    },
    afterFailure(attemptNumber, category, random) {
      if (category === 'hard') return { retry: false, why: 'hard' }
      if (category === 'capacity') {
        if (attemptNumber >= Math.min(timings.capacityAttempts, timings.maxAttempts))
          return { retry: false, why: 'exhausted' }
        return { retry: true, delayMs: withJitter(timings.capacitySpacingMs, random) }
      }
      if (attemptNumber >= timings.maxAttempts) return { retry: false, why: 'exhausted' }
      return { retry: true, delayMs: withJitter(timings.transientBaseMs * 2 ** (attemptNumber - 1), random) }
    },
  }
}
