import { z } from 'zod'
import { assignmentState } from '../db/schema/bookings.ts'

/**
 * The assignment engine's vocabularies, declared once. Producers, SQL parameters, app/ types and
 * tests import them from here; SQL functions take them as parameters instead of repeating them.
 */

/**
 * A booking's assignment states: the database enum is their one declaration (migrations create
 * it); the transitions between them live in state-machine.ts. ADR 017b says why each exists.
 */
export const ASSIGNMENT_STATES = assignmentState.enumValues
export const assignmentStateSchema = z.enum(ASSIGNMENT_STATES)
export type AssignmentState = z.infer<typeof assignmentStateSchema>

/** Who started an assignment attempt. `shadow` is V3's decide running beside legacy, never acting. */
export const TRIGGERS = ['inline', 'job', 'coordinator', 'manual', 'shadow'] as const
export const triggerSchema = z.enum(TRIGGERS)
export type Trigger = z.infer<typeof triggerSchema>

/** The pipelines behind the one seam (`selectPipeline`). */
export const PIPELINES = ['legacy', 'v3'] as const
export const pipelineSchema = z.enum(PIPELINES)
export type Pipeline = z.infer<typeof pipelineSchema>

/** Planner reasons (docs/planner.md): why no valid plan exists. */
export const PLANNER_REASONS = [
  'INVALID_REQUEST',
  'NO_TABLES_IN_ZONE',
  'PARTY_TOO_LARGE',
  'ADJACENCY_UNSATISFIED',
  'NO_AVAILABILITY',
] as const

/** Engine reasons: why an attempt failed after (or instead of) the planner. */
export const ENGINE_REASONS = [
  'HOLD_CONFLICT',
  'HOLD_EXPIRED',
  'LOCK_TIMEOUT',
  'LOCK_CONTENTION',
  'BULKHEAD_FULL',
  'INTAKE_BUSY',
  'CIRCUIT_OPEN',
  'TIMEOUT',
  'DB_ERROR',
  'VERSION_CONFLICT',
  'BOOKING_NOT_PENDING',
  'BOOKING_NOT_FOUND',
  'CUTOFF',
  'EXHAUSTED',
  'UNKNOWN',
] as const

export const REASON_CODES = [...PLANNER_REASONS, ...ENGINE_REASONS] as const
export const reasonCodeSchema = z.enum(REASON_CODES)
export type ReasonCode = z.infer<typeof reasonCodeSchema>

/** What an attempt row's `outcome` says. */
export const ATTEMPT_OUTCOMES = ['confirmed', 'failed', 'skipped'] as const
export const attemptOutcomeSchema = z.enum(ATTEMPT_OUTCOMES)
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>

/** The V3 coordinator's answers for one booking (DESIGN "Pipeline V3"). */
export const COORDINATOR_OUTCOMES = ['confirmed', 'retry', 'noop', 'manual_review'] as const
export const coordinatorOutcomeSchema = z.enum(COORDINATOR_OUTCOMES)
export type CoordinatorOutcome = z.infer<typeof coordinatorOutcomeSchema>

export const NOOP_REASONS = ['terminal_state', 'lock_contention'] as const
export const noopReasonSchema = z.enum(NOOP_REASONS)
export type NoopReason = z.infer<typeof noopReasonSchema>

/** How a shadow comparison can disagree; null kind means the two matched. */
export const MISMATCH_KINDS = [
  'different_tables',
  'different_zone',
  'legacy_seated_v3_not',
  'v3_seated_legacy_not',
  'error',
] as const
export const mismatchKindSchema = z.enum(MISMATCH_KINDS)
export type MismatchKind = z.infer<typeof mismatchKindSchema>

/** V3's scored strategies (planner strategy names; see pipelines/v3/scoring.ts). */
export const V3_STRATEGIES = ['optimal_fit', 'adjacency_first', 'scarcity', 'load_balancing'] as const
export type V3Strategy = (typeof V3_STRATEGIES)[number]
