import { z } from 'zod'

/** The ramp states (flag_ramp_state in the database): declared once, imported everywhere. */
export const RAMP_STATES = ['scheduled', 'running', 'paused', 'completed', 'rolled_back'] as const
export type RampState = (typeof RAMP_STATES)[number]
/** states of a ramp in flight: at most one per flag and scope (flag_ramps_one_active) */
export const ACTIVE_RAMP_STATES = ['scheduled', 'running', 'paused'] as const satisfies readonly RampState[]
/** states of a ramp that has begun and not ended: the overview's "flag ramps in progress" */
export const IN_PROGRESS_RAMP_STATES = ['running', 'paused'] as const satisfies readonly RampState[]

/**
 * `ok`, `breached` and `insufficient_data` as in the contract; `failing` (an extension) is a
 * guardrail that fails with enough data but not yet for its breach window: it blocks the next
 * stage and will roll the ramp back if it stays so.
 */
export const GUARDRAIL_STATUSES = ['ok', 'failing', 'breached', 'insufficient_data'] as const
export type GuardrailState = (typeof GUARDRAIL_STATUSES)[number]

export const DEFAULT_BREACH_MINUTES = 30
export const DEFAULT_MIN_SAMPLE = 1
export const DEFAULT_WINDOW_MINUTES = 60

export const guardrailSpecSchema = z
  .object({
    metric: z.string().trim().min(1).max(100),
    comparator: z.enum(['lte', 'gte']),
    threshold: z.number().finite().optional(),
    relativeTo: z.literal('baseline').optional(),
    maxDelta: z.number().finite().min(0).optional(),
    minSample: z.number().int().min(0).max(1_000_000).optional(),
    breachMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .optional(),
    /** how far back each reading looks (an extension; default 60 min, clipped at the ramp's start) */
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .optional(),
    /** extra filter for reason_share_pct */
    reason: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((g) => (g.threshold !== undefined) !== (g.relativeTo === 'baseline'), {
    message: 'A guardrail has either an absolute "threshold" or "relativeTo": "baseline" with "maxDelta", not both',
  })
  .refine((g) => g.relativeTo !== 'baseline' || g.maxDelta !== undefined, {
    message: 'A baseline guardrail needs "maxDelta": how far the metric may move from its value before the ramp',
  })
export type GuardrailSpec = z.infer<typeof guardrailSpecSchema>

export const rampStageSchema = z
  .object({
    /** 0 is a gate-only stage (telemetry readiness, shadow): nothing is switched on yet */
    percent: z.number().int().min(0).max(100),
    holdMinutes: z
      .number()
      .positive()
      .max(60 * 24 * 30),
    name: z.string().trim().min(1).max(80).optional(),
    /** pilot restaurants (slugs) switched fully on at this stage, whatever the global percent */
    restaurants: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    /** gates of this stage only, checked beside the ramp's own guardrails */
    guardrails: z.array(guardrailSpecSchema).max(20).optional(),
  })
  .strict()
export type RampStage = z.infer<typeof rampStageSchema>

export interface GuardrailStatus {
  metric: string
  status: GuardrailState
  value: number | null
  sampleSize: number
  /** the value the metric is compared with (threshold, or baseline +/- maxDelta) */
  limit: number | null
  baseline: number | null
  /** when it started failing with enough data; null while ok */
  failingSince: string | null
  at: string
}

export interface RampHistoryEntry {
  at: string
  from: RampState
  to: RampState
  /** stage index before and after (equal when only the state changed) */
  fromStage: number
  toStage: number
  reason: string
  actor: string
}
