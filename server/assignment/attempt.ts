import crypto from 'node:crypto'
import type { Plan } from '../../planner/index.ts'
import { assignmentAttempts } from '../db/schema/assignment.ts'
import type { AutoAssignResult, Booking } from '../db/schema/bookings.ts'
import type { Availability } from '../db/queries/availability.ts'
import type { AssignmentDeps } from './assignment-deps.ts'
import { confirmHold } from './confirm.ts'
import { placeHold, releaseHold } from './holds.ts'
import { quoteForBooking, type StrategyKnobs } from './quote.ts'
import { reasonCategory, type ReasonCategory } from './reason-codes.ts'

export type Trigger = 'inline' | 'job' | 'coordinator' | 'manual'

export interface AttemptOptions {
  trigger: Trigger
  pipeline: 'legacy' | 'v3'
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
}

class Aborted extends Error {}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(new Aborted('aborted while waiting'))
    })
  })
}

function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new Aborted('aborted')
}

/**
 * One assignment attempt: quote, then hold and confirm the best plan that is still free, trying
 * the next plan when a hold loses the race (23P01). Checks the abort signal between every step,
 * and gives back a hold it took when the deadline passes before the confirm.
 */
export async function runAssignmentAttempt(
  deps: AssignmentDeps,
  booking: Booking,
  options: AttemptOptions,
): Promise<AttemptResult> {
  const attemptId = crypto.randomUUID()
  const startedAt = deps.now()
  const started = performance.now()
  let reason: string | null = null
  let chosen: Plan | null = null
  let tableKeys: string[] = []
  let emailQueued = false
  let cacheHit = false
  let bookingNotPending = false
  let stateVersion: number | null = null
  /** a confirmed attempt's row is written by the confirm itself */
  let attemptRecorded = false
  const window = { start: booking.startAt, end: booking.endAt }

  try {
    throwIfAborted(options.signal)
    const quoted = await quoteForBooking(deps, {
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      partySize: booking.partySize,
      window,
      zoneId: booking.zoneId,
      knobs: options.knobs,
      trigger: options.trigger,
      attemptIndex: options.attemptNumber,
      availability: options.availability,
      signal: options.signal,
    })
    cacheHit = quoted.cacheHit
    if (!quoted.quote.ok) {
      reason = quoted.quote.reason
    } else {
      reason = 'HOLD_CONFLICT'
      if (deps.faults?.delayBeforeHoldMs) await abortableDelay(deps.faults.delayBeforeHoldMs, options.signal)
      for (const plan of quoted.quote.plans) {
        throwIfAborted(options.signal)
        const hold = await placeHold(deps.db, {
          restaurantId: booking.restaurantId,
          bookingId: booking.id,
          tableIds: plan.tableIds,
          window,
          ttlMs: deps.holdTtlMs,
          now: deps.now(),
        })
        if (!hold.ok) continue
        const keys = plan.tableIds.map((id) => quoted.floor.keyById.get(id) ?? id).sort()
        if (options.signal?.aborted) {
          await releaseHold(deps.db, booking.restaurantId, hold.holdId, deps.now())
          throw new Aborted('aborted after hold')
        }
        const lastResult: Omit<AutoAssignResult, 'emailQueued'> = {
          source:
            options.trigger === 'inline'
              ? 'inline'
              : options.trigger === 'job'
                ? 'job'
                : options.trigger === 'coordinator'
                  ? 'coordinator'
                  : 'manual',
          at: deps.now().toISOString(),
          success: true,
          reason: null,
          reasonCategory: null,
          strategy: options.knobs,
          trigger: options.trigger,
          durationMs: performance.now() - started,
          attemptId,
        }
        const confirmed = await confirmHold(deps.db, {
          booking,
          restaurant: quoted.floor.restaurant,
          holdId: hold.holdId,
          tableCount: plan.tableIds.length,
          tableKeys: keys,
          lastResult,
          actor: `auto_assign:${options.trigger}`,
          now: deps.now(),
          attempt: {
            id: attemptId,
            number: options.attemptNumber,
            pipeline: options.pipeline,
            strategy: { ...options.knobs },
            trigger: options.trigger,
            startedAt,
            elapsedMs: performance.now() - started,
            plan: { tableIds: plan.tableIds, tableKeys: keys },
          },
        })
        if (confirmed.ok) {
          attemptRecorded = true
          reason = null
          chosen = plan
          tableKeys = keys
          emailQueued = confirmed.emailQueued
          stateVersion = confirmed.stateVersion
          if (emailQueued) deps.onEmailQueued?.()
          break
        }
        await releaseHold(deps.db, booking.restaurantId, hold.holdId, deps.now())
        if (confirmed.reason === 'BOOKING_NOT_PENDING') {
          bookingNotPending = true
          reason = 'BOOKING_NOT_PENDING'
          break
        }
        reason = confirmed.reason
      }
    }
  } catch (error) {
    if (error instanceof Aborted || options.signal?.aborted) reason = 'TIMEOUT'
    else {
      reason = 'DB_ERROR'
      console.error(`[assign] attempt ${options.trigger}#${options.attemptNumber} for ${booking.id} failed:`, error)
    }
  }

  const durationMs = performance.now() - started
  const success = reason === null
  deps.metrics.attemptOutcomes.inc({
    trigger: options.trigger,
    outcome: success ? 'confirmed' : 'failed',
    reason: reason ?? 'none',
  })
  try {
    if (!attemptRecorded)
      await deps.db.insert(assignmentAttempts).values({
        id: attemptId,
        bookingId: booking.id,
        attemptNumber: options.attemptNumber,
        pipeline: options.pipeline,
        strategy: { ...options.knobs },
        trigger: options.trigger,
        startedAt,
        durationMs,
        outcome: success ? 'confirmed' : bookingNotPending ? 'skipped' : 'failed',
        reasonCode: reason,
        plan: chosen ? { tableIds: chosen.tableIds, tableKeys } : null,
      })
  } catch (error) {
    // the attempt row is telemetry: losing it must not undo a confirmed booking
    console.error('[assign] could not record attempt:', (error as Error).message)
  }
  return {
    attemptId,
    success,
    reason,
    reasonCategory: reasonCategory(reason === 'BOOKING_NOT_PENDING' ? null : reason),
    bookingNotPending,
    plan: chosen,
    tableKeys,
    emailQueued,
    cacheHit,
    durationMs,
    stateVersion,
  }
}
