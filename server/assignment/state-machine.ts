import type { Database, Executor } from '../db/client.ts'
import { transitionBookingRow, walkBookingRow } from '../db/queries/assignment-state.ts'
import { bookingFromRow } from '../db/queries/bookings.ts'
import type { Booking, NewBooking } from '../db/schema/bookings.ts'
import { AppError } from '../errors.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import type { EventContext } from '../observability/event-catalog.ts'
import { ASSIGNMENT_STATES, type AssignmentState, type Pipeline } from './vocabulary.ts'

/**
 * The one transition table of a booking's assignment state (ADR 017b). Every state change goes
 * through `apply` below, or, for the SQL functions on the hot path (the inline queued statement,
 * maitre_confirm_hold), takes its allowed from-states from `statesInto` as a parameter.
 *
 * V3 walks created -> capacity_verified -> assignment_pending -> assignment_in_progress ->
 * assigned -> confirmed; a retry goes back to assignment_pending; manual_review waits for staff
 * after the last attempt; failed is a booking that can never be seated (hard planner reason).
 * Legacy skips the middle: created -> assignment_pending -> confirmed, or straight to confirmed
 * inline. Staff act from manual_review and failed. Every open state may be cancelled.
 */
export const TRANSITIONS: Readonly<Record<AssignmentState, readonly AssignmentState[]>> = {
  created: ['capacity_verified', 'assignment_pending', 'confirmed', 'manual_review', 'failed', 'cancelled'],
  capacity_verified: ['assignment_pending', 'manual_review', 'failed', 'cancelled'],
  assignment_pending: ['assignment_in_progress', 'confirmed', 'manual_review', 'failed', 'cancelled'],
  // -> confirmed: a V3 walk interrupted here (crash, kill switch) is finished by legacy's confirm
  assignment_in_progress: ['assigned', 'assignment_pending', 'confirmed', 'manual_review', 'failed', 'cancelled'],
  assigned: ['confirmed', 'assignment_pending', 'manual_review', 'cancelled'],
  confirmed: ['cancelled'],
  // -> failed: a booking in review whose time passed before anyone seated it (server/review expiry)
  manual_review: ['confirmed', 'assignment_pending', 'failed', 'cancelled'],
  failed: ['confirmed', 'assignment_pending', 'cancelled'],
  cancelled: [],
}

/** States an automatic pipeline may still seat (the booking is open and nobody waits on it). */
export const OPEN_STATES: readonly AssignmentState[] = [
  'created',
  'capacity_verified',
  'assignment_pending',
  'assignment_in_progress',
  'assigned',
]
/** States that wait for a person (the manual-review queue). */
export const WAITING_STATES: readonly AssignmentState[] = ['manual_review', 'failed']
export const TERMINAL_STATES: readonly AssignmentState[] = ['confirmed', 'cancelled']

export function canTransition(from: AssignmentState, to: AssignmentState): boolean {
  return TRANSITIONS[from].includes(to)
}

/** Every state that may move into `to`, optionally narrowed to `among` (e.g. OPEN_STATES). */
export function statesInto(to: AssignmentState, among: readonly AssignmentState[] = ASSIGNMENT_STATES) {
  return among.filter((from) => canTransition(from, to))
}

export class IllegalTransitionError extends AppError {
  constructor(
    readonly bookingId: string,
    readonly from: AssignmentState,
    readonly to: AssignmentState,
  ) {
    super(
      'ILLEGAL_TRANSITION',
      `Booking ${bookingId} cannot move from ${from} to ${to}; allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'nothing (terminal)'}`,
      409,
    )
    this.name = 'IllegalTransitionError'
  }
}

/**
 * The booking moved since the caller read it: another version, or a state the caller did not
 * expect. Reload the booking and decide again; nothing was written.
 */
export class VersionConflictError extends AppError {
  constructor(
    readonly bookingId: string,
    readonly expected: { version?: number; states?: readonly AssignmentState[] },
    readonly actual: { version: number; state: AssignmentState },
  ) {
    super(
      'VERSION_CONFLICT',
      `Booking ${bookingId} changed meanwhile: it is ${actual.state} at version ${actual.version}` +
        (expected.version !== undefined ? `, not version ${expected.version}` : '') +
        (expected.states ? ` (expected one of ${expected.states.join(', ')})` : '') +
        '; reload it and try again',
      409,
    )
    this.name = 'VersionConflictError'
  }
}

export class BookingMissingError extends AppError {
  constructor(readonly bookingId: string) {
    super('NOT_FOUND', `Booking ${bookingId} was not found`, 404)
    this.name = 'BookingMissingError'
  }
}

export interface TransitionInput {
  bookingId: string
  to: AssignmentState
  /** who moves it: `auto_assign:<trigger>`, `coordinator`, or a staff user's id */
  actor: string
  pipeline: Pipeline | null
  /** optimistic lock: the version the caller read; a mismatch throws VersionConflictError */
  expectedVersion?: number
  /** the states the caller expects the booking in; another state throws VersionConflictError */
  from?: readonly AssignmentState[]
  reason?: string | null
  /** other columns to set in the same update */
  set?: Partial<
    Pick<NewBooking, 'status' | 'confirmedAt' | 'cancelledAt' | 'manualReviewReason' | 'autoAssignLastResult'>
  >
}

/** A transition written to the database; announce it once its transaction committed. */
export interface AppliedTransition {
  booking: Booking
  from: AssignmentState
  to: AssignmentState
  version: number
  actor: string
  pipeline: Pipeline | null
  reason: string | null
}

/** The context of the transition event; also used by the SQL paths that write their own rows. */
export function transitionEventContext(
  t: Pick<AppliedTransition, 'from' | 'to' | 'version' | 'actor' | 'pipeline' | 'reason'>,
): EventContext<'booking.assignment_state_transition'> {
  return { from: t.from, to: t.to, version: t.version, pipeline: t.pipeline, actor: t.actor, reason: t.reason }
}

/**
 * The booking a transition statement moved, or the typed error that says why it did not: no such
 * booking, someone moved it first (version or state not what the caller read), or a move the table
 * forbids from where it is now.
 */
function movedOrRefused(input: TransitionInput, row: Record<string, unknown> | undefined) {
  if (!row) throw new BookingMissingError(input.bookingId)
  const current = { state: row.current_state as AssignmentState, version: Number(row.current_version) }
  if (row.id === null || row.id === undefined) {
    const versionMoved = input.expectedVersion !== undefined && current.version !== input.expectedVersion
    const stateMoved = input.from !== undefined && !input.from.includes(current.state)
    if (versionMoved || stateMoved)
      throw new VersionConflictError(input.bookingId, { version: input.expectedVersion, states: input.from }, current)
    throw new IllegalTransitionError(input.bookingId, current.state, input.to)
  }
  return { booking: bookingFromRow(row as never), current }
}

/**
 * How a transition that is its own transaction commits. `asyncCommit`: without waiting for the WAL
 * flush (ADR 017, "Coordinator latency"), for moves whose loss in a server crash is the crash
 * coming just before them: V3's walk into an attempt and its move back to assignment_pending
 * (the booking is then where it was, and its job or the next run goes on from there). A later
 * synchronous commit (the confirm) flushes them first. Never for a state a person or nothing
 * else would come back to (confirmed, manual_review, failed, cancelled). Only `transition` and
 * `walk` take it: they are their own transaction, while `apply` may run inside the caller's.
 */
export interface CommitOptions {
  asyncCommit?: boolean
}

export interface StateMachineDeps {
  events: EventRecorder
}

/**
 * The state machine: no module state; the engine creates one. `apply` works inside the caller's
 * transaction (so a state change commits with the writes it belongs to), `announce` records the
 * events after that commit, `transition` does both in a transaction of its own.
 */
export function createStateMachine(deps: StateMachineDeps) {
  /**
   * Locks the booking row, checks the caller's expectations (version, states) and the table, then
   * moves it with the version bumped and its history row written: one statement (the booking path
   * runs several of these per booking; each round trip counts). Throws VersionConflictError,
   * IllegalTransitionError or BookingMissingError; on a throw nothing was written. Works in the
   * caller's transaction or on its own (the statement is atomic).
   */
  async function applyWith(tx: Executor, input: TransitionInput, commit: CommitOptions): Promise<AppliedTransition> {
    const expected = input.from ?? ASSIGNMENT_STATES
    // the table decides which of the expected states may move: the SQL only takes the list
    const movable = expected.filter((from) => canTransition(from, input.to))
    const set = input.set ?? {}
    const row = await transitionBookingRow(tx, {
      bookingId: input.bookingId,
      to: input.to,
      movableFrom: movable,
      expectedVersion: input.expectedVersion ?? null,
      set,
      reason: input.reason ?? null,
      actor: input.actor,
      pipeline: input.pipeline,
      asyncCommit: commit.asyncCommit,
    })
    const { booking, current } = movedOrRefused(input, row)
    return {
      booking,
      from: current.state,
      to: input.to,
      version: booking.assignmentStateVersion,
      actor: input.actor,
      pipeline: input.pipeline,
      reason: input.reason ?? null,
    }
  }

  /** In the caller's transaction (or on its own): commits as that transaction does. */
  const apply = (tx: Executor, input: TransitionInput) => applyWith(tx, input, {})

  function announce(...applied: AppliedTransition[]): void {
    for (const t of applied) {
      deps.events.record({
        type: 'booking.assignment_state_transition',
        source: 'assignment.state_machine',
        restaurantId: t.booking.restaurantId,
        bookingId: t.booking.id,
        context: transitionEventContext(t),
      })
    }
  }

  /** Records the transition event of a change an SQL function wrote itself (confirm, queued). */
  function announceWritten(
    booking: { id: string; restaurantId: string },
    t: Pick<AppliedTransition, 'from' | 'to' | 'version' | 'actor' | 'pipeline' | 'reason'>,
  ): void {
    deps.events.record({
      type: 'booking.assignment_state_transition',
      source: 'assignment.state_machine',
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      context: transitionEventContext(t),
    })
  }

  return {
    apply,
    announce,
    announceWritten,
    /** One transition (one atomic statement), announced once written. */
    async transition(db: Database, input: TransitionInput, commit: CommitOptions = {}): Promise<AppliedTransition> {
      const applied = await applyWith(db, input, commit)
      announce(applied)
      return applied
    },
    /**
     * Several transitions in a row (V3's walk up to assignment_in_progress) in one statement: the
     * path is checked against the table first (an illegal step throws before anything is written),
     * the first step against the caller's version and states; one history row and one event per step.
     */
    async walk(db: Database, inputs: TransitionInput[], commit: CommitOptions = {}): Promise<AppliedTransition[]> {
      if (inputs.length === 0) return []
      const [first] = inputs as [TransitionInput, ...TransitionInput[]]
      const rest = inputs.slice(1)
      if (
        inputs.some((i) => i.bookingId !== first.bookingId || i.actor !== first.actor || i.set) ||
        rest.some((i) => i.from || i.expectedVersion !== undefined || i.reason || i.pipeline !== first.pipeline)
      )
        throw new AppError(
          'INVALID_WALK',
          'A walk is one booking by one actor and pipeline: only its first step takes from, expectedVersion and reason, and no step sets columns',
          500,
        )
      for (let i = 1; i < inputs.length; i++) {
        if (!canTransition(inputs[i - 1]!.to, inputs[i]!.to))
          throw new IllegalTransitionError(first.bookingId, inputs[i - 1]!.to, inputs[i]!.to)
      }
      const expected = first.from ?? ASSIGNMENT_STATES
      const row = await walkBookingRow(db, {
        bookingId: first.bookingId,
        path: inputs.map((i) => i.to),
        movableFrom: expected.filter((from) => canTransition(from, first.to)),
        set: {},
        expectedVersion: first.expectedVersion ?? null,
        reason: first.reason ?? null,
        actor: first.actor,
        pipeline: first.pipeline,
        asyncCommit: commit.asyncCommit,
      })
      const { booking, current } = movedOrRefused(first, row)
      const applied = inputs.map((input, index) => ({
        booking,
        from: index === 0 ? current.state : inputs[index - 1]!.to,
        to: input.to,
        version: current.version + index + 1,
        actor: first.actor,
        pipeline: first.pipeline,
        reason: first.reason ?? null,
      }))
      announce(...applied)
      return applied
    },
  }
}

export type StateMachine = ReturnType<typeof createStateMachine>
