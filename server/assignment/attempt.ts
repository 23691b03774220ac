import crypto from 'node:crypto'
import type { Plan } from '../../planner/index.ts'
import type { Booking } from '../db/schema/bookings.ts'
import type { Availability } from '../db/queries/availability.ts'
import type { AssignmentDeps } from './assignment-deps.ts'
import type { StrategyKnobs } from './quote.ts'
import { reasonCategory, type ReasonCategory } from './reason-codes.ts'
import { commitDecision } from './steps/commit.ts'
import { decideLegacy, type Decision } from './steps/decide.ts'
import { reseatForDecision } from './steps/reseat.ts'
import { loadSnapshot } from './steps/snapshot.ts'
import type { Pipeline, Trigger } from './vocabulary.ts'

export type { Trigger } from './vocabulary.ts'

export interface AttemptOptions {
  trigger: Trigger
  pipeline: Pipeline
  attemptNumber: number
  knobs: StrategyKnobs
  signal?: AbortSignal
  /** availability read a moment ago (with the booking's insert); absent, the quote reads it */
  availability?: Availability
}

export interface AttemptResult {
  attemptId: string
  success: boolean
  /** null on success; a planner reason or an engine reason (HOLD_CONFLICT, TIMEOUT, …) */
  reason: string | null
  reasonCategory: ReasonCategory | null
  /** the booking was no longer pending: confirmed or cancelled by someone else */
  bookingNotPending: boolean
  plan: Plan | null
  tableKeys: string[]
  emailQueued: boolean
  cacheHit: boolean
  durationMs: number
  /** the booking's assignment_state_version after a confirmation */
  stateVersion: number | null
  /** what was decided (null when the attempt failed before deciding); shadow mode compares it */
  decision: Decision | null
}

/**
 * One legacy assignment attempt: decide (quote, no writes), then commit (hold and confirm the best
 * plan still free, trying the next when a hold loses the race). Checks the abort signal between
 * every step, and gives back a hold it took when the deadline passes before the confirm.
 */
export async function runAssignmentAttempt(
  deps: AssignmentDeps,
  booking: Booking,
  options: AttemptOptions,
): Promise<AttemptResult> {
  const attemptId = crypto.randomUUID()
  const startedAt = deps.now()
  const started = performance.now()
  let decision: Decision | null = null
  let failure: string | null = null
  try {
    if (options.signal?.aborted) failure = 'TIMEOUT'
    else {
      const snapshot = await loadSnapshot(deps, booking, options.availability)
      decision = await decideLegacy(deps, booking, snapshot, {
        pipeline: options.pipeline,
        shadow: false,
        trigger: options.trigger,
        attemptNumber: options.attemptNumber,
        knobs: options.knobs,
        signal: options.signal,
      })
      // no free plan: online re-seating may make room (flag assignment.reseat); it only plans, and
      // the commit writes its moves with the new booking's hold and confirm, in one transaction
      const reseated = options.signal?.aborted
        ? null
        : await reseatForDecision(deps, booking, decision, { signal: options.signal })
      if (reseated) decision = { ...decision, plans: [reseated], reason: null }
    }
  } catch (error) {
    // an aborted quote on a worker thread rejects: that is the deadline, not a database error
    failure = options.signal?.aborted ? 'TIMEOUT' : 'DB_ERROR'
    if (failure === 'DB_ERROR') {
      console.error(`[assign] decide ${options.trigger}#${options.attemptNumber} for ${booking.id} failed:`, error)
    }
  }
  const committed = await commitDecision(
    deps,
    booking,
    decision ?? {
      bookingId: booking.id,
      restaurantId: booking.restaurantId,
      pipeline: options.pipeline,
      shadow: false,
      trigger: options.trigger,
      attemptNumber: options.attemptNumber,
      knobs: options.knobs,
      plans: [],
      reason: failure,
      cacheHit: false,
      durationMs: 0,
      snapshot: undefined as never,
    },
    { signal: options.signal, attemptId, startedAt, started, actor: `auto_assign:${options.trigger}` },
  )
  return {
    attemptId,
    success: committed.success,
    reason: committed.reason,
    reasonCategory: reasonCategory(committed.reason === 'BOOKING_NOT_PENDING' ? null : committed.reason),
    bookingNotPending: committed.bookingNotPending,
    plan: committed.plan,
    tableKeys: committed.tableKeys,
    emailQueued: committed.emailQueued,
    cacheHit: decision?.cacheHit ?? false,
    durationMs: committed.durationMs,
    stateVersion: committed.stateVersion,
    decision,
  }
}
