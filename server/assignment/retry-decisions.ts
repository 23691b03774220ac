/**
 * What policy v2 decided that v1 would not have, one `auto_assign.retry_decision` event each
 * (docs/metrics.md, series retry_decisions): declared once, imported by the job, the event
 * catalogue and the /attempts page.
 * - skip_first_attempt: a fresh inline hard failure answered the first job attempt; it is not made
 * - relax_after_timeout: the inline attempt timed out, so the first job attempt may merge one more table
 * - stop_on_hard_reason: a job attempt failed for a hard reason; no further attempt is made
 * - cap_capacity_retries: the floor stayed full for capacityAttempts attempts; the job stops before maxAttempts
 */
export const RETRY_DECISIONS = [
  'skip_first_attempt',
  'relax_after_timeout',
  'stop_on_hard_reason',
  'cap_capacity_retries',
] as const
export type RetryDecisionName = (typeof RETRY_DECISIONS)[number]
