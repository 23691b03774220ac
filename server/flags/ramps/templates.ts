import type { BooleanFlag } from '../definitions.ts'
import type { GuardrailSpec, RampStage } from './ramp-types.ts'

export interface RampTemplate {
  id: string
  name: string
  /** which plan of the booking platform it encodes (docs/flags.md, "Templates") */
  source: string
  description: string
  /** flags the plan ramps; the template can be started on any of them */
  flags: readonly BooleanFlag[]
  /** how many pilot restaurants the engineer must name (0: none) */
  pilotRestaurants: number
  guardrails: readonly GuardrailSpec[]
  stages(pilots: readonly string[]): RampStage[]
}

const DAY = 24 * 60

// Seed 000, "FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2 + PLANNER_CACHE_ENABLED rollout": the gates per
// stage and the "rollback if any KPI breaches for > 30 min" rule. Job metrics need the seed's
// job_attempts_sample_size >= 20 before they count.
const progressiveGates: GuardrailSpec[] = [
  { metric: 'avg_attempts', comparator: 'lte', threshold: 2.5, minSample: 20, breachMinutes: 30 },
  { metric: 'job_success_rate', comparator: 'gte', threshold: 65, minSample: 20, breachMinutes: 30 },
  // "inline timeout trend flat/down": flat read as within 2 points of the pre-ramp baseline
  {
    metric: 'inline_timeout_pct',
    comparator: 'lte',
    relativeTo: 'baseline',
    maxDelta: 2,
    minSample: 20,
    breachMinutes: 30,
  },
]

export const AUTO_ASSIGN_OPTIMISATION: RampTemplate = {
  id: 'auto-assign-optimisation',
  name: 'Retry policy v2 + planner cache (seed 000)',
  source: 'seeds/000: auto-assign optimisation rollout, Nov 2025',
  description:
    'Telemetry readiness -> staging soak -> 2 pilot restaurants -> 25 % -> 50 % -> 100 % of restaurants, with the ' +
    "plan's gates at every stage; rolls back when a KPI stays breached for 30 minutes. Ramp the retry flag first, " +
    'then the cache once its hit ratio shows > 5 %.',
  flags: ['auto_assign.retry_policy_v2', 'planner.cache'],
  pilotRestaurants: 2,
  guardrails: [],
  stages: (pilots) => [
    {
      name: 'Telemetry readiness',
      percent: 0,
      holdMinutes: DAY,
      guardrails: [
        { metric: 'planner_duration_p95', comparator: 'gte', threshold: 0, minSample: 1, breachMinutes: DAY },
        { metric: 'job_attempts_sample_size', comparator: 'gte', threshold: 20, minSample: 0, breachMinutes: DAY },
      ],
    },
    {
      name: 'Staging soak',
      percent: 0,
      holdMinutes: 120,
      guardrails: [
        { metric: 'inline_timeout_pct', comparator: 'lte', threshold: 85, minSample: 20, breachMinutes: 30 },
        { metric: 'job_success_rate', comparator: 'gte', threshold: 55, minSample: 20, breachMinutes: 30 },
        { metric: 'avg_attempts', comparator: 'lte', threshold: 3, minSample: 20, breachMinutes: 30 },
      ],
    },
    {
      name: `${pilots.length} pilot restaurants`,
      percent: 0,
      restaurants: [...pilots],
      holdMinutes: DAY,
      guardrails: [
        // "job_failed_count does not exceed baseline (<= 2 per day)"
        {
          metric: 'job_failed_count',
          comparator: 'lte',
          threshold: 2,
          minSample: 0,
          windowMinutes: DAY,
          breachMinutes: 30,
        },
        // "inline timeout % must not exceed baseline + 10pp"
        {
          metric: 'inline_timeout_pct',
          comparator: 'lte',
          relativeTo: 'baseline',
          maxDelta: 10,
          minSample: 20,
          breachMinutes: 30,
        },
      ],
    },
    { name: '25 % of restaurants', percent: 25, holdMinutes: 60, guardrails: progressiveGates },
    { name: '50 % of restaurants', percent: 50, holdMinutes: 60, guardrails: progressiveGates },
    { name: '100 % of restaurants', percent: 100, holdMinutes: 60, guardrails: progressiveGates },
  ],
}

// Seed 004, the V3 coordinator: production shadow (24-48 h, shadow within 5 % of legacy), then
// 10 % (day 1) -> 50 % (day 2) -> 100 % (7 days), watching the dashboard targets; the rollback
// windows follow its recommended alerts (error rate over 10 min, latency over 15 min).
const v3Guardrails: GuardrailSpec[] = [
  { metric: 'coordinator_success_rate', comparator: 'gte', threshold: 95, minSample: 50, breachMinutes: 10 },
  { metric: 'manual_review_share', comparator: 'lte', threshold: 10, minSample: 50, breachMinutes: 30 },
  { metric: 'coordinator_latency_p95', comparator: 'lte', threshold: 3000, minSample: 50, breachMinutes: 15 },
  { metric: 'lock_wait_p95', comparator: 'lte', threshold: 100, minSample: 50, breachMinutes: 30 },
  { metric: 'duplicate_confirmation_emails', comparator: 'lte', threshold: 0, minSample: 0, breachMinutes: 0 },
]

export const PIPELINE_V3_ROLLOUT: RampTemplate = {
  id: 'pipeline-v3-rollout',
  name: 'Pipeline V3, shadow first (seed 004)',
  source: 'seeds/004: AssignmentCoordinator V3 rollout',
  description:
    'Shadow (24 h, at least 100 compared bookings, shadow within 5 % of legacy) -> 10 % -> 50 % -> 100 % with ' +
    'the coordinator targets as guardrails. Turn assignment.pipeline_v3_shadow on first: without shadow data the ' +
    'first gate has no evidence and the ramp waits.',
  flags: ['assignment.pipeline_v3'],
  pilotRestaurants: 0,
  guardrails: [],
  stages: () => [
    {
      name: 'Shadow',
      percent: 0,
      holdMinutes: DAY,
      guardrails: [
        { metric: 'shadow_match_rate', comparator: 'gte', threshold: 95, minSample: 100, breachMinutes: 60 },
      ],
    },
    { name: '10 %', percent: 10, holdMinutes: DAY, guardrails: v3Guardrails },
    { name: '50 %', percent: 50, holdMinutes: DAY, guardrails: v3Guardrails },
    { name: '100 %', percent: 100, holdMinutes: 7 * DAY, guardrails: v3Guardrails },
  ],
}

export const RAMP_TEMPLATES: readonly RampTemplate[] = [AUTO_ASSIGN_OPTIMISATION, PIPELINE_V3_ROLLOUT]

export const rampTemplate = (id: string) => RAMP_TEMPLATES.find((template) => template.id === id)
