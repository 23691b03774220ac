import { findBookingById } from '../../../db/queries/bookings.ts'
import type { AutoAssignResult } from '../../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../../assignment-deps.ts'
import type { AttemptOutcome } from '../../auto-assign-job.ts'
import { DEFAULT_KNOBS } from '../../quote.ts'
import { reasonCategory } from '../../reason-codes.ts'
import type { Coordinator, RunRead } from './coordinator.ts'

/** another worker (inline, a redelivery) holds the booking: look again shortly */
const LOCK_CONTENTION_RETRY_MS = 500

/**
 * One background attempt of a V3 booking: the coordinator's answer in the job's terms, so the job
 * code (auto-assign-job.ts) turns it into "complete" or "complete and send the next job". The
 * coordinator already moved the booking's state (manual_review, failed) itself.
 */
export async function runV3JobAttempt(
  deps: AssignmentDeps,
  coordinator: Coordinator,
  read: RunRead,
  attemptsSoFar: number,
): Promise<AttemptOutcome> {
  const { booking } = read
  const result = await coordinator.processBooking(booking.id, 'job', { restaurantId: booking.restaurantId, read })
  const attemptsUsed =
    result.outcome === 'confirmed' ? Math.max(attemptsSoFar + 1, result.attemptNumber) : attemptsSoFar + 1
  switch (result.outcome) {
    case 'confirmed':
      return { kind: 'confirmed', attemptsUsed, pipeline: 'v3' }
    case 'retry':
      return { kind: 'retry', delayMs: result.delayMs, reason: result.reason, attemptsUsed, pipeline: 'v3' }
    case 'noop': {
      if (result.reason === 'lock_contention')
        return {
          kind: 'retry',
          delayMs: LOCK_CONTENTION_RETRY_MS,
          reason: 'LOCK_CONTENTION',
          attemptsUsed: attemptsSoFar,
          pipeline: 'v3',
        }
      const fresh = await findBookingById(deps.db, booking.id)
      const terminal =
        fresh?.status === 'confirmed'
          ? 'already_confirmed'
          : fresh?.status === 'cancelled'
            ? 'cancelled'
            : 'already_in_review'
      return {
        kind: 'terminal',
        result: terminal,
        reason: fresh?.manualReviewReason ?? null,
        attemptsUsed: attemptsSoFar,
        pipeline: 'v3',
      }
    }
    case 'manual_review': {
      const lastResult: AutoAssignResult = {
        source: 'coordinator',
        at: deps.now().toISOString(),
        success: false,
        reason: result.reason,
        reasonCategory: reasonCategory(result.reason),
        strategy: DEFAULT_KNOBS,
        trigger: 'job',
        durationMs: result.durationMs,
        attemptId: null,
        emailQueued: false,
      }
      return {
        kind: 'manual_review',
        result: result.reason === 'CUTOFF' ? 'cutoff' : result.state === 'failed' ? 'manual_review' : 'exhausted',
        reviewReason: result.reason,
        reason: result.reason,
        attemptsUsed,
        lastResult,
        pipeline: 'v3',
      }
    }
  }
}
