import { runPrepared, type PreparedStatement } from '../db/prepared.ts'
import type { AutoAssignResult, Booking } from '../db/schema/bookings.ts'
import type { AssignmentDeps } from './assignment-deps.ts'
import { runAssignmentAttempt, type AttemptResult } from './attempt.ts'
import { DEFAULT_KNOBS } from './quote.ts'
import type { Availability } from '../db/queries/availability.ts'
import { reasonCategory, type ReasonCode } from './reason-codes.ts'
import { canTransition, createStateMachine } from './state-machine.ts'
import { selectPipeline, type PipelineChoice } from './pipelines/select.ts'
import type { Coordinator } from './pipelines/v3/coordinator.ts'
import { admitInline } from './pipelines/v3/inline-admission.ts'
import type { AssignmentState } from './vocabulary.ts'

export interface InlineOutcome {
  outcome: 'confirmed' | 'queued' | 'timeout'
  reason: string | null
  durationMs: number
  lastResult: AutoAssignResult
  attempt: AttemptResult | null
  /** the assignment state the booking was left in when not confirmed */
  queuedState: AssignmentState | null
}

// A late confirm may have won meanwhile: a booking no longer pending keeps its result.
const recordResultStatement: PreparedStatement = {
  name: 'maitre_inline_result_v1',
  text: `update bookings set auto_assign_last_result = $2::jsonb, updated_at = now()
          where id = $1::uuid and status = 'pending_allocation'
      returning assignment_state::text as state`,
}

// The same, and a new booking moves created -> assignment_pending with its history row: one
// statement, as this runs on the request path of every booking the inline attempt could not seat.
// The states come in as parameters ($4 from, $5 to), checked against the state machine's table below.
const recordQueuedStatement: PreparedStatement = {
  name: 'maitre_inline_queued_v2',
  text: `with updated as (
           update bookings b
              set auto_assign_last_result = $2::jsonb,
                  updated_at = now(),
                  assignment_state = case when before.state = $4::assignment_state then $5::assignment_state else b.assignment_state end,
                  assignment_state_version = b.assignment_state_version + case when before.state = $4::assignment_state then 1 else 0 end
             from (select id, assignment_state as state from bookings where id = $1::uuid for update) before
            where b.id = before.id and b.status = 'pending_allocation'
        returning b.id, b.assignment_state, b.assignment_state_version, before.state = $4::assignment_state as moved
         ), history as (
           insert into assignment_state_history (booking_id, from_state, to_state, version, reason, actor, pipeline)
           select id, $4, $5, assignment_state_version, $3, $6, 'legacy'
             from updated where moved
         )
         select assignment_state::text as state, assignment_state_version as version, moved from updated`,
}

const QUEUED_FROM: AssignmentState = 'created'
const QUEUED_TO: AssignmentState = 'assignment_pending'
if (!canTransition(QUEUED_FROM, QUEUED_TO)) throw new Error(`state table forbids ${QUEUED_FROM} -> ${QUEUED_TO}`)
const INLINE_ACTOR = 'auto_assign:inline'

/**
 * Quote, hold and confirm at intake, under the deadline of flag inline_auto_assign.timeout_ms.
 * On timeout the attempt is aborted (it stops at its next step and gives back any hold) and the
 * answer goes out at once; `auto_assign_last_result` is written on every path.
 */
export async function inlineAutoAssign(
  deps: AssignmentDeps,
  booking: Booking,
  options: {
    queueOnFailure?: boolean
    /** read with the booking's insert, just now: the quote need not read it again */
    availability?: Availability
    /** the intake's selectPipeline answer; asked here when absent */
    pipeline?: PipelineChoice
  } = {},
): Promise<InlineOutcome> {
  const context = { restaurantId: booking.restaurantId, bookingId: booking.id }
  const timeoutMs = await deps.flags.number('inline_auto_assign.timeout_ms', context)
  const started = performance.now()
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`inline auto-assign passed its ${timeoutMs} ms deadline`))
      resolve('timeout')
    }, timeoutMs)
  })
  deps.events.record({
    type: 'inline_auto_assign.started',
    source: 'inline',
    restaurantId: booking.restaurantId,
    bookingId: booking.id,
    context: { timeout_ms: timeoutMs },
  })

  const choice = options.pipeline ?? (await selectPipeline(deps.flags, booking))
  const v3 = choice.pipeline === 'v3' ? deps.v3?.coordinator : undefined
  const admission = v3
    ? admitInline(
        // the booking requests this process is answering, this one included
        deps.intakeInFlight?.() ?? 1,
        await deps.flags.number('assignment.pipeline_v3_inline_max_intake', context),
      )
    : null
  const attemptPromise = v3
    ? admission?.run === false
      ? Promise.resolve(deferredToJob(admission.reason))
      : runV3Inline(v3, booking)
    : runAssignmentAttempt(deps, booking, {
        trigger: 'inline',
        pipeline: 'legacy',
        attemptNumber: 1,
        knobs: DEFAULT_KNOBS,
        signal: controller.signal,
        availability: options.availability,
      })
  const raced = await Promise.race([attemptPromise, deadline])
  clearTimeout(timer)
  const durationMs = performance.now() - started

  let outcome: InlineOutcome['outcome']
  let reason: string | null
  let attempt: AttemptResult | null = null
  if (raced === 'timeout') {
    outcome = 'timeout'
    reason = 'TIMEOUT'
    // the attempt finishes its current step in the background, then stops; shadow still compares
    // what legacy decided, once it has
    attemptPromise
      .then((late) => {
        if (choice.shadow && late.decision && deps.v3?.shadow)
          deps.v3.shadow.schedule({
            booking,
            legacy: late.decision,
            legacyOutcome: { outcome: 'timeout', reason: late.reason, tables: late.tableKeys },
            legacyDurationMs: performance.now() - started,
          })
      })
      .catch(() => {})
    deps.events.record({
      type: 'inline_auto_assign.timeout',
      source: 'inline',
      severity: 'warning',
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      context: { timeout_ms: timeoutMs, duration_ms: durationMs },
    })
  } else {
    attempt = raced
    outcome = attempt.success ? 'confirmed' : 'queued'
    reason = attempt.reason
    // shadow: V3 decides on legacy's snapshot after this answer, never on its path
    if (choice.shadow && attempt.decision && deps.v3?.shadow) {
      deps.v3.shadow.schedule({
        booking,
        legacy: attempt.decision,
        legacyOutcome: { outcome, reason, tables: attempt.tableKeys },
        legacyDurationMs: performance.now() - started,
      })
    }
  }

  const lastResult: AutoAssignResult = {
    source: 'inline',
    at: deps.now().toISOString(),
    success: outcome === 'confirmed',
    reason,
    reasonCategory: reasonCategory(reason),
    strategy: DEFAULT_KNOBS,
    trigger: 'inline',
    durationMs,
    attemptId: attempt?.attemptId ?? null,
    emailQueued: attempt?.emailQueued ?? false,
  }
  let queuedState: InlineOutcome['queuedState'] = null
  if (outcome !== 'confirmed') {
    // V3 moved its own states; only legacy's queued path moves created -> assignment_pending here
    const queueHere = options.queueOnFailure && !v3
    const [queued] = queueHere
      ? await runPrepared<{ state: string; version: number; moved: boolean }>(deps.db, recordQueuedStatement, [
          booking.id,
          JSON.stringify(lastResult),
          reason,
          QUEUED_FROM,
          QUEUED_TO,
          INLINE_ACTOR,
        ])
      : await runPrepared<{ state: string; version?: number; moved?: boolean }>(deps.db, recordResultStatement, [
          booking.id,
          JSON.stringify(lastResult),
        ])
    if (queueHere && queued?.state === QUEUED_TO) queuedState = 'assignment_pending'
    else if (v3 && queued?.state) queuedState = queued.state as AssignmentState
    if (queued?.moved) {
      createStateMachine({ events: deps.events }).announceWritten(booking, {
        from: QUEUED_FROM,
        to: QUEUED_TO,
        version: Number(queued.version),
        actor: INLINE_ACTOR,
        pipeline: 'legacy',
        reason,
      })
    }
  }
  deps.metrics.inlineDuration.observe({ outcome }, durationMs / 1000)
  deps.events.record({
    type: 'inline_auto_assign.finished',
    source: 'inline',
    severity: outcome === 'confirmed' ? 'info' : 'warning',
    restaurantId: booking.restaurantId,
    bookingId: booking.id,
    context: {
      duration_ms: durationMs,
      outcome,
      reason,
      reason_category: reasonCategory(reason),
      timed_out: outcome === 'timeout',
      timeout_ms: timeoutMs,
      email_queued: lastResult.emailQueued,
      pipeline: choice.pipeline,
      shadow: false,
    },
  })
  return { outcome, reason, durationMs, lastResult, attempt, queuedState }
}

/** V3 at intake, deferred by its admission: the job seats the booking (intake makes it due now). */
function deferredToJob(reason: ReasonCode): AttemptResult {
  return {
    attemptId: '',
    success: false,
    reason,
    reasonCategory: reasonCategory(reason),
    bookingNotPending: false,
    plan: null,
    tableKeys: [],
    emailQueued: false,
    cacheHit: false,
    durationMs: 0,
    stateVersion: null,
    decision: null,
  }
}

/** V3 at intake: the coordinator's answer in the shape of a legacy attempt's. */
async function runV3Inline(coordinator: Coordinator, booking: Booking): Promise<AttemptResult> {
  const result = await coordinator.processBooking(booking.id, 'inline', { restaurantId: booking.restaurantId })
  const reason =
    result.outcome === 'confirmed' ? null : result.outcome === 'noop' ? result.reason.toUpperCase() : result.reason
  return {
    attemptId: '',
    success: result.outcome === 'confirmed',
    reason,
    reasonCategory: reasonCategory(reason),
    bookingNotPending: result.outcome === 'noop' && result.reason === 'terminal_state',
    plan: null,
    tableKeys: result.outcome === 'confirmed' ? result.tableKeys : [],
    emailQueued: result.outcome === 'confirmed',
    cacheHit: false,
    durationMs: result.durationMs,
    stateVersion: null,
    decision: null,
  }
}
