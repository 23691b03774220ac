import type { MetricQuery, MetricReading } from './metric-reader.ts'
import { emptyAggregate, labelOf, type Counters, type SeriesAggregate } from './aggregate.ts'
import { quantile } from './sketch.ts'
import { SERIES, type SeriesName } from './series.ts'
import type { RetryDecisionName } from '../assignment/retry-decisions.ts'

/** MetricQuery plus what only the planner metrics use: one caller's planner calls */
export interface CatalogQuery extends MetricQuery {
  trigger?: string
}

export type MetricUnit = 'ms' | 'percent' | 'count' | 'calls' | 'attempts' | 'seconds'

export interface MetricDefinition {
  name: string
  description: string
  unit: MetricUnit
  better: 'lower' | 'higher'
  /** the series it is computed from (empty for breaker_open_seconds, read from raw events) */
  series: readonly SeriesName[]
  /** true for reason_share_pct: the query must name a reason */
  needsReason?: boolean
  compute(get: (series: SeriesName) => SeriesAggregate, query: CatalogQuery): MetricReading
}

/** The SQL files behind a metric, for docs and the catalogue listing. */
export function sqlFilesOf(metric: MetricDefinition): string[] {
  if (metric.series.length === 0) return ['sql/analytics/breaker-open-seconds.sql']
  return metric.series.map((series) => `sql/analytics/${SERIES[series].factsFile}.sql`)
}

const pct = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null)
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null)

// Job results (server/assignment/auto-assign-job.ts JobResult) the rates treat specially.
const SUCCEEDED = 'succeeded'
const ALREADY_CONFIRMED = 'already_confirmed'
// Inline outcomes (server/assignment/inline.ts) and the state the review queue holds.
const INLINE_TIMEOUT = 'timeout'
const CONFIRMED = 'confirmed'
const MANUAL_REVIEW = 'manual_review'
const COORDINATOR_NOOP = 'noop'
const CONFIRMATION_EMAIL = 'confirmation'
const SKIP_FIRST_ATTEMPT: RetryDecisionName = 'skip_first_attempt'

function percentile(
  name: string,
  series: SeriesName,
  q: number,
  description: string,
  label?: string,
): MetricDefinition {
  return {
    name,
    description,
    unit: 'ms',
    better: 'lower',
    series: [series],
    compute(get, query) {
      const counters = countersOf(get(series), series, query, label)
      return { value: quantile(counters.hist, q), sampleSize: sketchCount(counters.hist) }
    },
  }
}

/** a label's counters, or the planner caller's when the query names one, or the whole series */
function countersOf(aggregate: SeriesAggregate, series: SeriesName, query: CatalogQuery, label?: string): Counters {
  if (label) return labelOf(aggregate, label)
  if (series === 'planner_quotes' && query.trigger) return labelOf(aggregate, query.trigger)
  return aggregate.total
}

function sketchCount(hist: Map<number, number>): number {
  let n = 0
  for (const count of hist.values()) n += count
  return n
}

const plannerPercentile = (p: number) =>
  percentile(
    `planner_duration_p${p}`,
    'planner_quotes',
    p / 100,
    `p${p} of planner_duration_ms over production planner calls (auto_assign.quote, shadow excluded)`,
  )

/**
 * Every metric of docs/api.md (and a few the pages and alerts need), defined after the booking
 * platform's own metric queries (seeds 000 and 004; docs/metrics.md says each in words).
 */
export const METRIC_DEFINITIONS: MetricDefinition[] = [
  plannerPercentile(50),
  plannerPercentile(90),
  plannerPercentile(95),
  plannerPercentile(99),
  {
    name: 'planner_calls_per_booking',
    description: 'planner calls per booking quoted: production quotes / bookings with a first quote in the window',
    unit: 'calls',
    better: 'lower',
    series: ['planner_quotes'],
    compute(get) {
      const quotes = get('planner_quotes').total
      return { value: ratio(quotes.count, quotes.countB), sampleSize: quotes.countB }
    },
  },
  {
    name: 'planner_cache_hit_pct',
    description: '100 * planner calls answered from the plan cache / planner calls',
    unit: 'percent',
    better: 'higher',
    series: ['planner_quotes'],
    compute(get, query) {
      const quotes = countersOf(get('planner_quotes'), 'planner_quotes', query)
      return { value: pct(quotes.countA, quotes.count), sampleSize: quotes.count }
    },
  },
  {
    name: 'planner_cache_hits',
    description: 'planner calls answered from the plan cache (the "no cache hits for 2 h" alert)',
    unit: 'count',
    better: 'higher',
    series: ['planner_quotes'],
    compute(get) {
      const quotes = get('planner_quotes').total
      return { value: quotes.countA, sampleSize: quotes.count }
    },
  },
  {
    name: 'planner_calls',
    description: 'production planner calls',
    unit: 'count',
    better: 'lower',
    series: ['planner_quotes'],
    compute(get, query) {
      const quotes = countersOf(get('planner_quotes'), 'planner_quotes', query)
      return { value: quotes.count, sampleSize: quotes.count }
    },
  },
  {
    name: 'planner_duration_max',
    description: 'slowest production planner call',
    unit: 'ms',
    better: 'lower',
    series: ['planner_quotes'],
    compute(get, query) {
      const quotes = countersOf(get('planner_quotes'), 'planner_quotes', query)
      return { value: quotes.max, sampleSize: quotes.count }
    },
  },
  {
    name: 'inline_duration_max',
    description: 'slowest inline auto-assign run',
    unit: 'ms',
    better: 'lower',
    series: ['inline_runs'],
    compute(get) {
      const runs = get('inline_runs').total
      return { value: runs.max, sampleSize: runs.count }
    },
  },
  {
    name: 'inline_runs',
    description: 'inline auto-assign runs',
    unit: 'count',
    better: 'higher',
    series: ['inline_runs'],
    compute(get) {
      const runs = get('inline_runs').total
      return { value: runs.count, sampleSize: runs.count }
    },
  },
  percentile('inline_duration_p50', 'inline_runs', 0.5, 'p50 of inline auto-assign duration_ms (request to answer)'),
  percentile('inline_duration_p95', 'inline_runs', 0.95, 'p95 of inline auto-assign duration_ms (request to answer)'),
  percentile('inline_duration_p99', 'inline_runs', 0.99, 'p99 of inline auto-assign duration_ms (request to answer)'),
  {
    name: 'inline_timeout_pct',
    description: '100 * inline runs that passed their deadline / inline runs',
    unit: 'percent',
    better: 'lower',
    series: ['inline_runs'],
    compute(get) {
      const runs = get('inline_runs')
      return { value: pct(labelOf(runs, INLINE_TIMEOUT).count, runs.total.count), sampleSize: runs.total.count }
    },
  },
  {
    name: 'inline_timeout_count',
    description: 'inline runs that passed their deadline (inline_auto_assign.timeout)',
    unit: 'count',
    better: 'lower',
    series: ['inline_runs'],
    compute(get) {
      const runs = get('inline_runs')
      return { value: labelOf(runs, INLINE_TIMEOUT).count, sampleSize: runs.total.count }
    },
  },
  {
    name: 'inline_confirmed_count',
    description: 'bookings seated by inline auto-assign',
    unit: 'count',
    better: 'higher',
    series: ['inline_runs'],
    compute(get) {
      const runs = get('inline_runs')
      return { value: labelOf(runs, CONFIRMED).count, sampleSize: runs.total.count }
    },
  },
  {
    name: 'job_attempts_sample_size',
    description: 'finished auto-assign jobs (auto_assign.summary): the sample behind the job metrics',
    unit: 'count',
    better: 'higher',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs').total
      return { value: jobs.count, sampleSize: jobs.count }
    },
  },
  {
    name: 'job_success_rate',
    description: '100 * jobs that seated their booking / jobs, not counting jobs whose booking was already confirmed',
    unit: 'percent',
    better: 'higher',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs')
      const counted = jobs.total.count - labelOf(jobs, ALREADY_CONFIRMED).count
      return { value: pct(labelOf(jobs, SUCCEEDED).count, counted), sampleSize: counted }
    },
  },
  {
    name: 'job_succeeded_count',
    description: 'bookings seated by the background job',
    unit: 'count',
    better: 'higher',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs')
      return { value: labelOf(jobs, SUCCEEDED).count, sampleSize: jobs.total.count }
    },
  },
  {
    name: 'avg_attempts',
    description: 'mean attempts_used per finished job',
    unit: 'attempts',
    better: 'lower',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs').total
      return { value: ratio(jobs.sum, jobs.count), sampleSize: jobs.count }
    },
  },
  {
    name: 'attempts_p50',
    description: 'p50 of attempts_used per finished job',
    unit: 'attempts',
    better: 'lower',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs').total
      return { value: roundAttempts(quantile(jobs.hist, 0.5)), sampleSize: jobs.count }
    },
  },
  {
    name: 'attempts_p95',
    description: 'p95 of attempts_used per finished job',
    unit: 'attempts',
    better: 'lower',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs').total
      return { value: roundAttempts(quantile(jobs.hist, 0.95)), sampleSize: jobs.count }
    },
  },
  {
    name: 'attempts_max',
    description: 'most attempts_used by one job',
    unit: 'attempts',
    better: 'lower',
    series: ['jobs'],
    compute(get) {
      const jobs = get('jobs').total
      return { value: jobs.max, sampleSize: jobs.count }
    },
  },
  percentile(
    'time_to_success_p50',
    'job_durations',
    0.5,
    'p50 of total_duration_ms of jobs that seated their booking',
    SUCCEEDED,
  ),
  percentile(
    'time_to_success_p95',
    'job_durations',
    0.95,
    'p95 of total_duration_ms of jobs that seated their booking',
    SUCCEEDED,
  ),
  {
    name: 'job_failed_count',
    description: 'auto_assign.failed events: jobs that gave up on their booking',
    unit: 'count',
    better: 'lower',
    series: ['job_failures'],
    compute(get) {
      const failures = get('job_failures').total
      return { value: failures.count, sampleSize: failures.count }
    },
  },
  {
    name: 'ramp_auto_rollback_count',
    description: 'flag ramps the runner rolled back by itself because a guardrail stayed breached',
    unit: 'count',
    better: 'lower',
    series: ['ramp_rollbacks'],
    compute(get) {
      const automatic = get('ramp_rollbacks').total.countA
      return { value: automatic, sampleSize: automatic }
    },
  },
  {
    name: 'retry_v2_skipped_count',
    description: 'job attempts retry policy v2 did not make because a fresh inline hard failure already answered them',
    unit: 'count',
    better: 'higher',
    series: ['retry_decisions'],
    compute(get) {
      const decisions = get('retry_decisions')
      return { value: labelOf(decisions, SKIP_FIRST_ATTEMPT).count, sampleSize: decisions.total.count }
    },
  },
  {
    name: 'reason_share_pct',
    description: '100 * failed planner calls with the given reason (&reason=) / failed planner calls',
    unit: 'percent',
    better: 'lower',
    series: ['planner_failures'],
    needsReason: true,
    compute(get, query) {
      const failures = get('planner_failures')
      return {
        value: pct(labelOf(failures, query.reason ?? '').count, failures.total.count),
        sampleSize: failures.total.count,
      }
    },
  },
  {
    name: 'manual_review_share',
    description: '100 * bookings moved to manual review / bookings created',
    unit: 'percent',
    better: 'lower',
    series: ['state_transitions', 'bookings_created'],
    compute(get) {
      const created = get('bookings_created').total.count
      return { value: pct(labelOf(get('state_transitions'), MANUAL_REVIEW).count, created), sampleSize: created }
    },
  },
  {
    name: 'manual_review_count',
    description: 'bookings moved to manual review',
    unit: 'count',
    better: 'lower',
    series: ['state_transitions'],
    compute(get) {
      const moved = labelOf(get('state_transitions'), MANUAL_REVIEW).count
      return { value: moved, sampleSize: moved }
    },
  },
  percentile(
    'review_wait_p95',
    'review_waits',
    0.95,
    'p95 of the time bookings waited in manual review before a person acted or their time passed (waited_ms)',
  ),
  {
    name: 'bookings_created',
    description: 'bookings created (booking.created)',
    unit: 'count',
    better: 'higher',
    series: ['bookings_created'],
    compute(get) {
      const created = get('bookings_created').total.count
      return { value: created, sampleSize: created }
    },
  },
  {
    name: 'confirmation_rate',
    description: '100 * bookings confirmed (booking.confirmed) / bookings created, both in the window',
    unit: 'percent',
    better: 'higher',
    series: ['bookings_confirmed', 'bookings_created'],
    compute(get) {
      const created = get('bookings_created').total.count
      return { value: pct(get('bookings_confirmed').total.count, created), sampleSize: created }
    },
  },
  {
    name: 'coordinator_success_rate',
    description: '100 * V3 coordinator runs that confirmed their booking / coordinator runs',
    unit: 'percent',
    better: 'higher',
    series: ['coordinator_runs'],
    compute(get) {
      const runs = get('coordinator_runs')
      return { value: pct(labelOf(runs, CONFIRMED).count, runs.total.count), sampleSize: runs.total.count }
    },
  },
  {
    name: 'coordinator_error_rate',
    description:
      '100 * V3 coordinator runs that neither seated the booking nor had nothing to do (retry, manual review, error) / runs',
    unit: 'percent',
    better: 'lower',
    series: ['coordinator_runs'],
    compute(get) {
      const runs = get('coordinator_runs')
      const fine = labelOf(runs, CONFIRMED).count + labelOf(runs, COORDINATOR_NOOP).count
      return { value: pct(runs.total.count - fine, runs.total.count), sampleSize: runs.total.count }
    },
  },
  percentile('coordinator_latency_p95', 'coordinator_runs', 0.95, 'p95 of V3 coordinator run duration_ms'),
  percentile('lock_wait_p95', 'lock_waits', 0.95, 'p95 of the booking lock wait (lock_wait_ms) of coordinator runs'),
  {
    name: 'breaker_open_seconds',
    description: 'seconds a restaurant circuit breaker was open in the window (summed over restaurants)',
    unit: 'seconds',
    better: 'lower',
    series: [],
    // computed from sql/analytics/breaker-open-seconds.sql by the catalogue, not from series
    compute: () => ({ value: null, sampleSize: 0 }),
  },
  {
    name: 'shadow_match_rate',
    description: "100 * shadow comparisons where V3's decision matched the legacy one / comparisons",
    unit: 'percent',
    better: 'higher',
    series: ['shadow_comparisons'],
    compute(get) {
      const compared = get('shadow_comparisons')
      return { value: pct(labelOf(compared, 'true').count, compared.total.count), sampleSize: compared.total.count }
    },
  },
  {
    name: 'duplicate_confirmation_emails',
    description: 'confirmation emails sent to a booking that already had one (must be 0)',
    unit: 'count',
    better: 'lower',
    series: ['emails'],
    compute(get) {
      const confirmations = labelOf(get('emails'), CONFIRMATION_EMAIL)
      return { value: confirmations.countA, sampleSize: confirmations.count }
    },
  },
]

/** Attempts are whole numbers: the sketch's estimate is within 1 %, so rounding gives the exact count. */
function roundAttempts(value: number | null): number | null {
  return value === null ? null : Math.round(value)
}

export const METRIC_NAMES = METRIC_DEFINITIONS.map((m) => m.name)
export const METRICS_BY_NAME = new Map(METRIC_DEFINITIONS.map((m) => [m.name, m]))
export { emptyAggregate }
