/**
 * The analytics series: what the rollup job aggregates per minute and the metric catalogue reads.
 * A series is a facts file (sql/analytics/facts/<file>.sql: one row per observation with a
 * label, an optional value and two flags) over some event types. Metrics are computed from a
 * series' counters and sketches (server/analytics/metric-catalog.ts), never from SQL of their own,
 * so the rollup and the raw read cannot disagree.
 */

import { FLAG_EVENTS } from '../flags/flag-events.ts'

/** Event types the dashboards read (docs/api.md, "Events"); producers elsewhere emit them. */
export const ANALYTICS_EVENTS = {
  quote: 'auto_assign.quote',
  summary: 'auto_assign.summary',
  failed: 'auto_assign.failed',
  retryDecision: 'auto_assign.retry_decision',
  inlineFinished: 'inline_auto_assign.finished',
  inlineTimeout: 'inline_auto_assign.timeout',
  bookingCreated: 'booking.created',
  bookingConfirmed: 'booking.confirmed',
  stateTransition: 'booking.assignment_state_transition',
  coordinatorStarted: 'coordinator.started',
  coordinatorFinished: 'coordinator.finished',
  coordinatorNoop: 'coordinator.noop',
  coordinatorRetry: 'coordinator.retry',
  shadowCompared: 'shadow.compared',
  reviewSeated: 'review.seated',
  reviewCancelled: 'review.cancelled',
  reviewExpired: 'review.expired',
  reviewRetried: 'review.retried',
  emailSent: 'email.sent',
  emailDuplicateSend: 'email.duplicate_send',
  breakerOpened: 'breaker.opened',
  breakerClosed: 'breaker.closed',
  alertFiring: 'alert.firing',
  alertResolved: 'alert.resolved',
  rampRolledBack: FLAG_EVENTS.rampRolledBack,
} as const

export interface SeriesDefinition {
  /** facts file under sql/analytics/, without .sql */
  factsFile: string
  eventTypes: readonly string[]
}

const E = ANALYTICS_EVENTS

export const SERIES = {
  planner_quotes: { factsFile: 'facts/planner-quotes', eventTypes: [E.quote] },
  planner_failures: { factsFile: 'facts/planner-failures', eventTypes: [E.quote] },
  inline_runs: { factsFile: 'facts/inline-runs', eventTypes: [E.inlineFinished] },
  jobs: { factsFile: 'facts/jobs', eventTypes: [E.summary] },
  job_durations: { factsFile: 'facts/job-durations', eventTypes: [E.summary] },
  job_failures: { factsFile: 'facts/job-failures', eventTypes: [E.failed] },
  bookings_created: { factsFile: 'facts/bookings-created', eventTypes: [E.bookingCreated] },
  bookings_confirmed: { factsFile: 'facts/bookings-confirmed', eventTypes: [E.bookingConfirmed] },
  state_transitions: { factsFile: 'facts/state-transitions', eventTypes: [E.stateTransition] },
  coordinator_runs: { factsFile: 'facts/coordinator-runs', eventTypes: [E.coordinatorFinished] },
  lock_waits: {
    factsFile: 'facts/lock-waits',
    // the events that end a coordinator run (started carries the same wait: counting it too would double it)
    eventTypes: [E.coordinatorFinished, E.coordinatorNoop, E.coordinatorRetry],
  },
  shadow_comparisons: { factsFile: 'facts/shadow-comparisons', eventTypes: [E.shadowCompared] },
  emails: { factsFile: 'facts/emails', eventTypes: [E.emailSent, E.emailDuplicateSend] },
  review_waits: {
    factsFile: 'facts/review-waits',
    eventTypes: [E.reviewSeated, E.reviewCancelled, E.reviewExpired, E.reviewRetried],
  },
  ramp_rollbacks: { factsFile: 'facts/ramp-rollbacks', eventTypes: [E.rampRolledBack] },
  retry_decisions: { factsFile: 'facts/retry-decisions', eventTypes: [E.retryDecision] },
} as const satisfies Record<string, SeriesDefinition>

export type SeriesName = keyof typeof SERIES
export const SERIES_NAMES = Object.keys(SERIES) as SeriesName[]
