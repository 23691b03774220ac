import crypto from 'node:crypto'
import { assignmentAttempts } from '../../db/schema/assignment.ts'
import type { AutoAssignResult, Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import type { Executor } from '../../db/client.ts'
import { releaseMovedBooking, seatMovedBooking } from '../../db/queries/reseat.ts'
import { AppError, SQLSTATE, sqlState } from '../../errors.ts'
import { confirmHold, PIPELINE_CONFIRM_FROM, seatThrough, type ConfirmInput, type ConfirmResult } from '../confirm.ts'
import { placeHold, releaseHold } from '../holds.ts'
import { createStateMachine } from '../state-machine.ts'
import type { AssignmentState, AttemptOutcome } from '../vocabulary.ts'
import type { ChosenPlan, Decision } from './decide.ts'

export class Aborted extends Error {}

export function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new Aborted('aborted')
}

export function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(new Aborted('aborted while waiting'))
    })
  })
}

export interface CommitOptions {
  signal?: AbortSignal
  attemptId?: string
  /** when the attempt started (its decide included) */
  startedAt: Date
  /** performance.now() at the start of the attempt */
  started: number
  actor: string
  /** states the confirm may move the booking from; default: every open state the table allows */
  confirmFrom?: readonly AssignmentState[]
  /** the state version the caller saw (staff actions); the confirm answers VERSION_CONFLICT otherwise */
  expectedVersion?: number
  /**
   * runs after a hold is placed, before the confirm (V3 moves the booking to assigned here), on
   * the executor the confirm uses (the re-seating transaction, or the database); what it returns
   * runs once that write is committed (announce the transition)
   */
  afterHold?: (plan: ChosenPlan, executor: Executor) => Promise<(() => void) | void>
  /** runs when a placed hold was given back (V3 moves the booking back out of assigned) */
  afterRelease?: (plan: ChosenPlan) => Promise<void>
  /**
   * V3 without moves: the hold, the move from one of `from` into `via` and the confirm are one
   * statement (maitre_v3_seat), so afterHold and afterRelease do not run; the move is announced
   * here. Plans with moves (re-seating) still take the hooks' path, inside their transaction.
   */
  seatVia?: { via: AssignmentState; from: readonly AssignmentState[]; pipeline: Decision['pipeline'] }
  /**
   * runs when the attempt did not confirm, beside the insert of its attempt row (V3 moves the
   * booking out of the attempt here: one round trip of waiting instead of two); its error is
   * thrown once the row is written
   */
  afterFailure?: (failure: { reason: string; bookingNotPending: boolean }) => Promise<void>
}

export interface CommitResult {
  attemptId: string
  success: boolean
  reason: string | null
  bookingNotPending: boolean
  plan: ChosenPlan | null
  tableKeys: string[]
  emailQueued: boolean
  stateVersion: number | null
  durationMs: number
}

/**
 * Acts on a decision: hold the first plan that is still free (23P01 means taken: try the next),
 * confirm it (assignments, state, email, attempt row: one transaction), announce the transition
 * and `booking.confirmed`. Writes the attempt's row on every other outcome too. Shadow decisions
 * are refused: shadow work never writes.
 */
export async function commitDecision(
  deps: AssignmentDeps,
  booking: Booking,
  decision: Decision,
  options: CommitOptions,
): Promise<CommitResult> {
  if (decision.shadow) throw new Error(`a shadow decision for booking ${booking.id} cannot be committed`)
  const attemptId = options.attemptId ?? crypto.randomUUID()
  const machine = createStateMachine({ events: deps.events })
  const window = { start: booking.startAt, end: booking.endAt }
  let reason: string | null = decision.reason
  let chosen: ChosenPlan | null = null
  let emailQueued = false
  let bookingNotPending = false
  let stateVersion: number | null = null
  let attemptRecorded = false

  try {
    if (decision.plans.length > 0) {
      reason = 'HOLD_CONFLICT'
      if (deps.faults?.delayBeforeHoldMs) await abortableDelay(deps.faults.delayBeforeHoldMs, options.signal)
      for (const plan of decision.plans) {
        throwIfAborted(options.signal)
        const lastResult: Omit<AutoAssignResult, 'emailQueued'> = {
          source: decision.trigger === 'shadow' ? 'coordinator' : decision.trigger,
          at: deps.now().toISOString(),
          success: true,
          reason: null,
          reasonCategory: null,
          strategy: decision.knobs,
          trigger: decision.trigger,
          durationMs: performance.now() - options.started,
          attemptId,
        }
        const confirmInput = (holdId: string): ConfirmInput => ({
          booking,
          restaurant: decision.snapshot.floor.restaurant,
          holdId,
          tableCount: plan.tableIds.length,
          tableKeys: plan.tableKeys,
          lastResult,
          actor: options.actor,
          now: deps.now(),
          fromStates: options.confirmFrom ?? PIPELINE_CONFIRM_FROM,
          expectedVersion: options.expectedVersion,
          attempt: {
            id: attemptId,
            number: decision.attemptNumber,
            pipeline: decision.pipeline,
            strategy: {
              ...decision.knobs,
              strategy: plan.strategy,
              ...(plan.v3Score !== undefined ? { score: plan.v3Score } : {}),
            },
            trigger: decision.trigger,
            startedAt: options.startedAt,
            elapsedMs: performance.now() - options.started,
            plan: { tableIds: plan.tableIds, tableKeys: plan.tableKeys },
          },
        })
        let confirmed: ConfirmResult
        if (plan.moves && plan.moves.length > 0) {
          // re-seating: the moves, the hold and the confirm commit together or not at all
          const together = await commitWithMoves(deps, booking, plan, options, confirmInput)
          if (!together.ok) {
            reason = together.reason
            if (reason === 'BOOKING_NOT_PENDING') bookingNotPending = true
            if (reason === 'BOOKING_NOT_PENDING' || reason === 'VERSION_CONFLICT') break
            continue
          }
          confirmed = together.confirmed
          for (const move of plan.moves) {
            deps.events.record({
              type: 'booking.reseated',
              source: decision.pipeline === 'v3' ? 'coordinator' : decision.trigger,
              restaurantId: booking.restaurantId,
              bookingId: move.bookingId,
              context: {
                before: move.fromKeys,
                after: move.toKeys,
                forBooking: booking.id,
                actor: options.actor,
                pipeline: decision.pipeline,
              },
            })
          }
        } else if (options.seatVia) {
          const seated = await seatThrough(deps.db, {
            ...confirmInput(''),
            restaurantId: booking.restaurantId,
            tableIds: plan.tableIds,
            window,
            holdTtlMs: deps.holdTtlMs,
            via: options.seatVia.via,
            fromStates: options.seatVia.from,
          })
          if (!seated.ok) {
            // as below: a taken table or an expired hold tries the next plan; a moved booking stops
            reason = seated.reason
            if (reason === 'HOLD_CONFLICT' || reason === 'HOLD_EXPIRED') continue
            if (reason === 'BOOKING_NOT_PENDING') bookingNotPending = true
            break
          }
          machine.announceWritten(booking, {
            from: seated.seatedFrom,
            to: options.seatVia.via,
            version: seated.assignedVersion,
            actor: options.actor,
            pipeline: options.seatVia.pipeline,
            reason: null,
          })
          confirmed = seated
        } else {
          const hold = await placeHold(deps.db, {
            restaurantId: booking.restaurantId,
            bookingId: booking.id,
            tableIds: plan.tableIds,
            window,
            ttlMs: deps.holdTtlMs,
            now: deps.now(),
          })
          if (!hold.ok) continue
          const giveBack = async () => {
            await releaseHold(deps.db, booking.restaurantId, hold.holdId, deps.now())
            await options.afterRelease?.(plan)
          }
          if (options.signal?.aborted) {
            await giveBack()
            throw new Aborted('aborted after hold')
          }
          const announceHold = await options.afterHold?.(plan, deps.db)
          announceHold?.()
          confirmed = await confirmHold(deps.db, confirmInput(hold.holdId))
          if (!confirmed.ok) await giveBack()
        }
        if (confirmed.ok) {
          attemptRecorded = true
          reason = null
          chosen = plan
          emailQueued = confirmed.emailQueued
          stateVersion = confirmed.stateVersion
          machine.announceWritten(booking, {
            from: confirmed.fromState,
            to: 'confirmed',
            version: confirmed.stateVersion,
            actor: options.actor,
            pipeline: decision.pipeline,
            reason: null,
          })
          deps.events.record({
            type: 'booking.confirmed',
            source: decision.pipeline === 'v3' ? 'coordinator' : decision.trigger,
            restaurantId: booking.restaurantId,
            bookingId: booking.id,
            context: {
              pipeline: decision.pipeline,
              shadow: false,
              trigger: decision.trigger,
              version: confirmed.stateVersion,
              actor: options.actor,
              tables: plan.tableKeys,
              email_queued: confirmed.emailQueued,
            },
          })
          if (emailQueued) deps.onEmailQueued?.()
          break
        }
        if (confirmed.reason === 'BOOKING_NOT_PENDING') {
          bookingNotPending = true
          reason = 'BOOKING_NOT_PENDING'
          break
        }
        if (confirmed.reason === 'VERSION_CONFLICT') {
          reason = 'VERSION_CONFLICT'
          break
        }
        reason = confirmed.reason
      }
    }
  } catch (error) {
    if (error instanceof Aborted) reason = 'TIMEOUT'
    else {
      reason = 'DB_ERROR'
      console.error(`[assign] commit ${decision.trigger}#${decision.attemptNumber} for ${booking.id} failed:`, error)
    }
  }

  const durationMs = performance.now() - options.started
  const success = reason === null
  const outcome: AttemptOutcome = success ? 'confirmed' : bookingNotPending ? 'skipped' : 'failed'
  deps.metrics.attemptOutcomes.inc({
    trigger: decision.trigger,
    outcome: success ? 'confirmed' : 'failed',
    reason: reason ?? 'none',
  })
  const alongside =
    !success && options.afterFailure
      ? options.afterFailure({ reason: reason ?? 'UNKNOWN', bookingNotPending })
      : Promise.resolve()
  // settled beside the row's insert below; its error is thrown after it
  const followed = alongside.then(
    () => null,
    (error: unknown) => ({ error }),
  )
  if (!attemptRecorded) {
    try {
      await deps.db.insert(assignmentAttempts).values({
        id: attemptId,
        bookingId: booking.id,
        attemptNumber: decision.attemptNumber,
        pipeline: decision.pipeline,
        strategy: { ...decision.knobs },
        trigger: decision.trigger,
        startedAt: options.startedAt,
        durationMs,
        outcome,
        reasonCode: reason,
        plan: null,
      })
    } catch (error) {
      // the attempt row is telemetry: losing it must not undo a confirmed booking
      console.error('[assign] could not record attempt:', (error as Error).message)
    }
  }
  const failed = await followed
  if (failed) throw failed.error
  return {
    attemptId,
    success,
    reason,
    bookingNotPending,
    plan: chosen,
    tableKeys: chosen?.tableKeys ?? [],
    emailQueued,
    stateVersion,
    durationMs,
  }
}

/** Rolls the re-seating transaction back with the reason the attempt fails with. */
class MovesRolledBack extends Error {
  constructor(readonly reason: string) {
    super(`re-seating rolled back: ${reason}`)
  }
}

type TogetherResult = { ok: true; confirmed: Extract<ConfirmResult, { ok: true }> } | { ok: false; reason: string }

/**
 * Re-seating's commit: the moves (each fenced on the booking's current tables), the new booking's
 * hold and its confirm, in one transaction. The exclusion constraint decides every row; a moved
 * booking that changed since the plan (RESEAT_STALE), a table taken (23P01, or a hold that could
 * not be placed) or a confirm that is refused rolls everything back: no booking is moved without
 * the new one seated, and the new one is never seated on tables the moves did not free.
 */
async function commitWithMoves(
  deps: AssignmentDeps,
  booking: Booking,
  plan: ChosenPlan,
  options: CommitOptions,
  confirmInput: (holdId: string) => ConfirmInput,
): Promise<TogetherResult> {
  const after: { announce?: (() => void) | void } = {}
  try {
    const confirmed = await deps.db.transaction(async (tx) => {
      const now = deps.now()
      const moves = (plan.moves ?? []).map((move) => ({
        restaurantId: booking.restaurantId,
        bookingId: move.bookingId,
        fromTableIds: move.from,
        toTableIds: move.to,
        window: move.window,
        now,
      }))
      // a chain: every moved booking leaves its tables before any takes its new ones
      for (const move of moves) await releaseMovedBooking(tx, move)
      for (const move of moves) await seatMovedBooking(tx, move)
      await deps.faults?.afterReseatMoves?.(tx)
      const hold = await placeHold(tx, {
        restaurantId: booking.restaurantId,
        bookingId: booking.id,
        tableIds: plan.tableIds,
        window: { start: booking.startAt, end: booking.endAt },
        ttlMs: deps.holdTtlMs,
        now,
      })
      if (!hold.ok) throw new MovesRolledBack('HOLD_CONFLICT')
      after.announce = await options.afterHold?.(plan, tx)
      const result = await confirmHold(tx, confirmInput(hold.holdId))
      if (!result.ok) throw new MovesRolledBack(result.reason)
      return result
    })
    after.announce?.()
    return { ok: true, confirmed }
  } catch (error) {
    if (error instanceof MovesRolledBack) return { ok: false, reason: error.reason }
    // lost a race: a moved booking changed, or someone took a table; nothing was written
    if (sqlState(error) === SQLSTATE.exclusionViolation) return { ok: false, reason: 'HOLD_CONFLICT' }
    if (error instanceof AppError && error.code === 'RESEAT_STALE') return { ok: false, reason: 'HOLD_CONFLICT' }
    throw error
  }
}
