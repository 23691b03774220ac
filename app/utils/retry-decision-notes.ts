import type { RetryDecisionName } from '../../server/assignment/retry-decisions.ts'

/** What each retry policy v2 decision means and what it saves (shown on /attempts). */
export const RETRY_DECISION_NOTES: Record<RetryDecisionName, { label: string; meaning: string; saves: string }> = {
  skip_first_attempt: {
    label: 'Skipped the first job attempt',
    meaning:
      'The inline attempt had just failed for a hard reason, so the job sent the booking to manual review without trying again.',
    saves: 'One job attempt and its planner call per booking, and staff see the booking at once.',
  },
  relax_after_timeout: {
    label: 'Relaxed after an inline timeout',
    meaning: 'The inline attempt ran out of time, so the first job attempt could merge one more table (up to 4).',
    saves: 'The search the deadline cut off is not repeated as it was: fewer attempts before a seat.',
  },
  stop_on_hard_reason: {
    label: 'Stopped on a hard reason',
    meaning:
      'A job attempt failed for a reason no retry fixes (party too large, no table in the zone, adjacency, invalid request): the booking went to manual review at once.',
    saves: 'The attempts left up to maxAttempts and their backoff waits.',
  },
  cap_capacity_retries: {
    label: 'Capped capacity retries',
    meaning: 'The floor stayed full for capacityAttempts attempts, so the job stopped before maxAttempts.',
    saves: 'The attempts left, each a capacity spacing apart (30 s by default): staff see the booking minutes sooner.',
  },
}
