import { z } from 'zod'

export const SEVERITIES = ['P1', 'P2', 'P3'] as const
export const COMPARATORS = ['gt', 'gte', 'lt', 'lte'] as const
export const ALERT_STATES = ['ok', 'pending', 'firing'] as const
/** what alert_transitions.to_state holds: a state, or 'resolved' for firing -> ok */
export const TRANSITION_TARGETS = ['ok', 'pending', 'firing', 'resolved'] as const

export type Severity = (typeof SEVERITIES)[number]
export type Comparator = (typeof COMPARATORS)[number]
export type AlertState = (typeof ALERT_STATES)[number]
export type TransitionTarget = (typeof TRANSITION_TARGETS)[number]

/** A rule as data: a catalogue metric over a trailing window, compared with a threshold or the baseline. */
export const alertRuleSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9_]{3,64}$/),
    description: z.string().min(1).max(300),
    severity: z.enum(SEVERITIES),
    metric: z.string().min(1),
    reason: z.string().nullable().default(null),
    comparator: z.enum(COMPARATORS),
    /** absolute threshold; null for a rule relative to the baseline */
    threshold: z.number().finite().nullable().default(null),
    relativeTo: z.literal('baseline').nullable().default(null),
    /** relative rules: how far past the baseline, in percent */
    maxDeltaPct: z.number().finite().nonnegative().nullable().default(null),
    /** the baseline is the metric over this many minutes before the window (counts scaled to the window) */
    baselineMinutes: z.number().int().positive().default(1440),
    windowMinutes: z.number().int().positive(),
    /** how long the condition must hold before pending becomes firing */
    forMinutes: z.number().int().nonnegative().default(0),
    /** fewer observations than this in the window never breach */
    minSample: z.number().int().nonnegative().default(0),
    enabled: z.boolean().default(true),
  })
  .refine((r) => (r.relativeTo === 'baseline' ? r.maxDeltaPct !== null : r.threshold !== null), {
    message: 'a rule needs a threshold, or relativeTo "baseline" with maxDeltaPct',
  })
export type AlertRuleDefinition = z.output<typeof alertRuleSchema>

/**
 * The rollout plans' alerts (seeds 000 "Alert thresholds" and 004 "Alerts (Recommended)"), seeded
 * once; people change thresholds and for-minutes through PUT /api/alerts/:key afterwards.
 */
export const SEEDED_RULES: AlertRuleDefinition[] = [
  {
    key: 'auto_assign_failed_spike',
    description: 'auto_assign.failed per hour is more than 50 % above its baseline (the previous 24 h, per hour)',
    severity: 'P2',
    metric: 'job_failed_count',
    comparator: 'gt',
    relativeTo: 'baseline',
    maxDeltaPct: 50,
    windowMinutes: 60,
    forMinutes: 5,
    minSample: 3,
  },
  {
    key: 'inline_timeout_spike',
    description: 'inline_auto_assign.timeout per hour is more than 20 % above its baseline',
    severity: 'P2',
    metric: 'inline_timeout_count',
    comparator: 'gt',
    relativeTo: 'baseline',
    maxDeltaPct: 20,
    windowMinutes: 60,
    forMinutes: 5,
    minSample: 20,
  },
  {
    key: 'planner_cache_hits_missing',
    description: 'no planner cache hit for 2 hours while the planner is being called',
    severity: 'P3',
    metric: 'planner_cache_hits',
    comparator: 'lte',
    threshold: 0,
    windowMinutes: 120,
    minSample: 50,
  },
  {
    key: 'coordinator_high_error_rate',
    description: 'V3 coordinator error rate above 5 % over 10 minutes: consider rolling back',
    severity: 'P1',
    metric: 'coordinator_error_rate',
    comparator: 'gt',
    threshold: 5,
    windowMinutes: 10,
    minSample: 20,
  },
  {
    key: 'circuit_breaker_open',
    description: 'a restaurant circuit breaker stayed open for 5 minutes',
    severity: 'P2',
    metric: 'breaker_open_seconds',
    comparator: 'gte',
    threshold: 300,
    windowMinutes: 5,
  },
  {
    key: 'manual_review_queue_spike',
    description: 'more than 20 % of bookings went to manual review in the last hour',
    severity: 'P2',
    metric: 'manual_review_share',
    comparator: 'gt',
    threshold: 20,
    windowMinutes: 60,
    forMinutes: 5,
    minSample: 20,
  },
  {
    key: 'coordinator_latency_high',
    description: 'V3 coordinator p95 latency above 5 s over 15 minutes: lock contention or a slow database',
    severity: 'P3',
    metric: 'coordinator_latency_p95',
    comparator: 'gt',
    threshold: 5_000,
    windowMinutes: 15,
    minSample: 20,
  },
  {
    key: 'flag_ramp_rolled_back',
    description: 'a staged flag ramp rolled itself back in the last hour: a guardrail stayed breached (see /flags)',
    severity: 'P2',
    metric: 'ramp_auto_rollback_count',
    comparator: 'gt',
    threshold: 0,
    windowMinutes: 60,
  },
].map((rule) => alertRuleSchema.parse(rule))
