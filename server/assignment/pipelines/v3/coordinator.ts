import { BrokenCircuitError } from 'cockatiel'
import { quoteTables } from '../../../../planner/index.ts'
import { countPipelineAttempts } from '../../../db/queries/assignment-v3.ts'
import { findBookingById } from '../../../db/queries/bookings.ts'
import type { Booking } from '../../../db/schema/bookings.ts'
import type { EventType } from '../../../observability/event-catalog.ts'
import { InfrastructureError, type BreakerRegistry } from '../../../resilience/breaker.ts'
import type { BulkheadPermit, BulkheadReservation, DatabaseBulkhead } from '../../../resilience/bulkhead.ts'
import type { LockManager } from '../../../resilience/locks.ts'
import type { AssignmentDeps } from '../../assignment-deps.ts'
import { DEFAULT_KNOBS } from '../../quote.ts'
import { reasonCategory } from '../../reason-codes.ts'
import { retryPolicyV2, type RetryTimings } from '../../retry-policy.ts'
import {
  createStateMachine,
  IllegalTransitionError,
  type CommitOptions,
  OPEN_STATES,
  VersionConflictError,
  type TransitionInput,
} from '../../state-machine.ts'
import { commitDecision } from '../../steps/commit.ts'
import { reseatForDecision } from '../../steps/reseat.ts'
import { loadSnapshot, type AvailabilitySnapshot } from '../../steps/snapshot.ts'
import type { AssignmentState, NoopReason, Trigger } from '../../vocabulary.ts'
import { selectPipeline } from '../select.ts'
import { decideV3, loadCompeting } from './decide-v3.ts'

/** What the coordinator decided for a booking (the plan's outcomes). */
export type CoordinatorAnswer =
  | { outcome: 'confirmed'; tableKeys: string[]; attemptNumber: number }
  | { outcome: 'retry'; delayMs: number; reason: string }
  | { outcome: 'noop'; reason: NoopReason }
  | { outcome: 'manual_review'; reason: string; state: 'manual_review' | 'failed' }

export type CoordinatorResult = CoordinatorAnswer & { bookingId: string; durationMs: number; lockWaitMs: number }

/** The booking and its V3 attempt count, when the caller read them already (see readForRun). */
export interface RunRead {
  booking: Booking
  pipelineAttempts: number
}

/** The resilience objects V3 runs under; the engine owns them (no module state). */
export interface V3Resilience {
  locks: LockManager
  breakers: BreakerRegistry
  bulkhead: DatabaseBulkhead
}

export interface CoordinatorOptions {
  timings: RetryTimings
  /** attempts stop this long before the booking starts (manual review, reason CUTOFF) */
  cutoffMinutes: number
  /** how long to wait for a booking's lock before answering noop(lock_contention) */
  lockWaitMs?: number
  lockTtlMs?: number
  random?: () => number
}

/** what a bulkhead refusal asks the caller to wait (the plan's RateLimitExceeded -> retry 2000) */
export const BULKHEAD_RETRY_MS = 2000
/** hard planner reasons: the floor can never seat this party; the booking goes to `failed` */
const HARD = 'hard'
const ACTOR = 'coordinator'

/** The state path from where a booking is to assignment_in_progress (V3's walk). */
function pathToInProgress(state: AssignmentState): AssignmentState[] {
  switch (state) {
    case 'created':
      return ['capacity_verified', 'assignment_pending', 'assignment_in_progress']
    case 'capacity_verified':
      return ['assignment_pending', 'assignment_in_progress']
    case 'assignment_pending':
      return ['assignment_in_progress']
    case 'assigned':
      // a walk that died holding tables: its hold expires; start the attempt over
      return ['assignment_pending', 'assignment_in_progress']
    default:
      return []
  }
}

class SwitchedToLegacy extends Error {}

/**
 * Pipeline V3, per booking: lock (wait measured), the restaurant's breaker, a bulkhead permit, the
 * state walk, scored strategies, commit, attempt row, release. Every outcome has its
 * `coordinator.*` event. The flag is asked again before each step, so the kill switch hands the
 * booking to legacy at its next step (outcome retry, reason PIPELINE_SWITCHED, state back to
 * assignment_pending, which legacy continues from).
 */
export function createCoordinator(deps: AssignmentDeps, resilience: V3Resilience, options: CoordinatorOptions) {
  const machine = createStateMachine({ events: deps.events })
  const policy = retryPolicyV2(options.timings)
  const random = options.random ?? Math.random
  const lockWaitMs = options.lockWaitMs ?? 50
  const lockTtlMs = options.lockTtlMs ?? 30_000

  function emit(
    type: EventType,
    booking: { restaurantId: string | null; id: string },
    context: Record<string, unknown>,
  ) {
    deps.events.record({
      type,
      source: 'coordinator',
      severity: type === 'coordinator.retry' ? 'warning' : 'info',
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      context: { pipeline: 'v3', shadow: false, ...context },
    })
  }

  const step = (booking: Booking, to: AssignmentState, extra: Partial<TransitionInput> = {}): TransitionInput => ({
    bookingId: booking.id,
    to,
    actor: ACTOR,
    pipeline: 'v3',
    ...extra,
  })

  async function stillV3(booking: Booking) {
    if ((await selectPipeline(deps.flags, booking)).pipeline !== 'v3') throw new SwitchedToLegacy()
  }

  /** Moves the booking out of the attempt (retry, manual review, failed); tolerates a lost race. */
  async function leaveAttempt(booking: Booking, to: AssignmentState, reason: string, commit: CommitOptions = {}) {
    try {
      await machine.transition(
        deps.db,
        step(booking, to, {
          from: ['assignment_in_progress', 'assigned'],
          reason,
          set: to === 'manual_review' || to === 'failed' ? { manualReviewReason: reason } : undefined,
        }),
        commit,
      )
    } catch (error) {
      if (!(error instanceof VersionConflictError))
        throw new InfrastructureError((error as Error).message, { cause: error })
    }
  }

  async function attempt(booking: Booking, attemptNumber: number, trigger: Trigger): Promise<CoordinatorAnswer> {
    const path = pathToInProgress(booking.assignmentState)
    // the look-ahead's read depends on nothing the walk changes: it runs beside the snapshot's
    // (decide awaits it; an answer before decide leaves it unread, so its error is caught here)
    const competing = loadCompeting(deps, booking)
    competing.catch(() => {})
    const walk = async () => {
      if (path.length === 0) return
      // lost in a server crash, the walk is the crash coming just before it: the booking is where
      // it was, nothing outside the database saw it; the confirm's synchronous commit flushes it
      await machine.walk(
        deps.db,
        path.map((to, index) =>
          step(booking, to, index === 0 ? { expectedVersion: booking.assignmentStateVersion } : {}),
        ),
        { asyncCommit: true },
      )
    }
    let snapshot: AvailabilitySnapshot
    if (path[0] === 'capacity_verified') {
      snapshot = await loadSnapshot(deps, booking)
      // could this floor ever seat the party? the planner with every table free
      const capacity = quoteTables({
        tables: snapshot.floor.tables,
        adjacency: snapshot.floor.adjacency,
        floorVersion: `${booking.restaurantId}:${snapshot.floor.floorVersion}`,
        busy: [],
        partySize: booking.partySize,
        window: { start: booking.startAt.getTime(), end: booking.endAt.getTime() },
        zoneId: booking.zoneId,
        maxTables: DEFAULT_KNOBS.maxTables,
        requireAdjacency: DEFAULT_KNOBS.requireAdjacency,
        limit: 1,
      })
      if (!capacity.ok) {
        await machine.transition(
          deps.db,
          step(booking, 'failed', {
            expectedVersion: booking.assignmentStateVersion,
            reason: capacity.reason,
            set: { manualReviewReason: capacity.reason },
          }),
        )
        return { outcome: 'manual_review', reason: capacity.reason, state: 'failed' }
      }
      await stillV3(booking)
      await walk()
    } else {
      // nothing to verify first (a retry): the walk and the snapshot's read wait together
      await stillV3(booking)
      ;[snapshot] = await Promise.all([loadSnapshot(deps, booking), walk()])
    }

    await deps.faults?.beforeV3Decide?.(booking.id)
    await stillV3(booking)
    const startedAt = deps.now()
    const started = performance.now()
    let decision = await decideV3(deps, booking, snapshot, {
      pipeline: 'v3',
      shadow: false,
      trigger,
      attemptNumber,
      knobs: DEFAULT_KNOBS,
      competing,
    })
    // no free plan: online re-seating may make room (flag assignment.reseat); the commit writes
    // its moves with the hold and the confirm, in one transaction
    const reseated = await reseatForDecision(deps, booking, decision)
    if (reseated) decision = { ...decision, plans: [reseated], reason: null }
    await stillV3(booking)
    // how the attempt ends when it did not confirm; the move out of it runs beside the attempt row
    let exit: CoordinatorAnswer | null = null
    const committed = await commitDecision(deps, booking, decision, {
      startedAt,
      started,
      actor: ACTOR,
      confirmFrom: ['assigned'],
      // hold, assigned and confirm in one statement (one round trip instead of three)
      seatVia: { via: 'assigned', from: ['assignment_in_progress'], pipeline: 'v3' },
      // plans with moves (re-seating) hold and confirm inside their own transaction
      afterHold: async (_plan, executor) => {
        const applied = await machine.apply(executor, step(booking, 'assigned', { from: ['assignment_in_progress'] }))
        return () => machine.announce(applied)
      },
      afterRelease: async () => {
        await machine.transition(deps.db, step(booking, 'assignment_in_progress', { from: ['assigned'] }))
      },
      afterFailure: async ({ reason, bookingNotPending }) => {
        // the booking moved on (terminal), or the database failed (thrown below, for the breaker)
        if (bookingNotPending || reason === 'DB_ERROR') return
        const category = reasonCategory(reason)
        if (category === HARD) {
          exit = { outcome: 'manual_review', reason, state: 'failed' }
          await leaveAttempt(booking, 'failed', reason)
          return
        }
        const next = policy.afterFailure(attemptNumber, category, random)
        if (!next.retry) {
          exit = { outcome: 'manual_review', reason, state: 'manual_review' }
          await leaveAttempt(booking, 'manual_review', reason)
          return
        }
        exit = { outcome: 'retry', delayMs: next.delayMs, reason }
        // lost in a crash, the booking stays in assignment_in_progress, which the retry (its job,
        // enqueued durably) goes on from
        await leaveAttempt(booking, 'assignment_pending', reason, { asyncCommit: true })
      },
    })
    if (committed.success) return { outcome: 'confirmed', tableKeys: committed.tableKeys, attemptNumber }
    if (committed.bookingNotPending) return { outcome: 'noop', reason: 'terminal_state' }
    if (committed.reason === 'DB_ERROR' || !exit)
      throw new InfrastructureError(`attempt ${attemptNumber} of ${booking.id} hit the database`)
    return exit
  }

  /** still waiting for tables, in a state an attempt may start from */
  const isOpen = (booking: Booking | null | undefined): booking is Booking =>
    !!booking && booking.status === 'pending_allocation' && OPEN_STATES.includes(booking.assignmentState)

  const pastCutoff = (booking: Booking) =>
    deps.now().getTime() >= booking.startAt.getTime() - options.cutoffMinutes * 60_000

  async function toReviewAtCutoff(booking: Booking): Promise<CoordinatorAnswer> {
    await machine.transition(
      deps.db,
      step(booking, 'manual_review', { reason: 'CUTOFF', set: { manualReviewReason: 'CUTOFF' } }),
    )
    return { outcome: 'manual_review', reason: 'CUTOFF', state: 'manual_review' }
  }

  /**
   * The lock stayed taken: past its cutoff an open booking goes to manual review all the same
   * (else a lock that is never released would keep its job retrying past the booking's start).
   * Safe without the lock: the move checks the state, so a holder that seated it first wins.
   */
  async function cutoffWhileLocked(reads: RunReads | null): Promise<CoordinatorAnswer | null> {
    const booking = reads?.[0].status === 'fulfilled' ? reads[0].value : null
    if (!isOpen(booking) || !pastCutoff(booking)) return null
    seenRestaurant.set(booking.id, booking.restaurantId)
    return toReviewAtCutoff(booking).catch(() => null)
  }

  // the restaurant of each booking in flight, for its final event (no second read of the booking)
  const seenRestaurant = new Map<string, string>()

  /** The answers that need no bulkhead permit: nothing to do, switched, past the cutoff, breaker open. */
  async function answerBeforeBulkhead(booking: Booking | null | undefined): Promise<CoordinatorAnswer | null> {
    if (!isOpen(booking)) return { outcome: 'noop', reason: 'terminal_state' }
    if ((await selectPipeline(deps.flags, booking)).pipeline !== 'v3')
      return { outcome: 'retry', delayMs: 0, reason: 'PIPELINE_SWITCHED' }
    if (pastCutoff(booking)) return toReviewAtCutoff(booking)
    // open and not yet due for its half-open probe: answer without touching the booking
    const openFor = resilience.breakers.retryAfterMs(booking.restaurantId)
    if (openFor > 0) return { outcome: 'retry', delayMs: openFor, reason: 'CIRCUIT_OPEN' }
    return null
  }

  /**
   * What a run reads first, together (one round trip of waiting, not three) and beside the lock's
   * own round trip: the booking, its attempt count and, with a local slot taken before the lock,
   * its bulkhead permit. The lock is for efficiency only, so reading before it is held is safe: a
   * read that a holder's writes overtook carries an old version, and the walk's version check
   * turns it into VERSION_CONFLICT (look again in 200 ms). The count and the permit are wasted
   * only when the booking turns out to need no run, or the lock stays taken (the permit is then
   * given back beside the lock, like every permit). A caller that read the booking and its count
   * already (the job, a round trip earlier) passes them, and only the permit is asked: the same
   * argument makes that read as good as one beside the lock.
   */
  function readForRun(bookingId: string, reservation: BulkheadReservation | null, read?: RunRead) {
    return Promise.allSettled([
      read ? Promise.resolve(read.booking) : findBookingById(deps.db, bookingId),
      read ? Promise.resolve(read.pipelineAttempts) : countPipelineAttempts(deps.db, bookingId, 'v3'),
      reservation ? reservation.acquire(bookingId) : Promise.resolve(undefined),
    ] as const)
  }
  type RunReads = Awaited<ReturnType<typeof readForRun>>

  /** The permit the run's reads took, if any (to give back when the lock stayed taken). */
  function permitOf(reads: RunReads): BulkheadPermit | null | undefined {
    return reads[2].status === 'fulfilled' ? reads[2].value : undefined
  }

  async function underLock(
    bookingId: string,
    trigger: Trigger,
    lockWait: number,
    cleanup: Array<Promise<unknown>>,
    reservation: BulkheadReservation | null,
    reads: RunReads,
  ): Promise<CoordinatorAnswer> {
    const giveBack = (permit: BulkheadPermit | null | undefined) => {
      if (permit) cleanup.push(permit.release().catch(() => {}))
    }
    const [read, counted, acquired] = reads
    // a failed read must not keep a permit taken beside it
    if (read.status === 'rejected' || counted.status === 'rejected' || acquired.status === 'rejected') {
      giveBack(permitOf(reads))
      throw [read, counted, acquired].find((r) => r.status === 'rejected')!.reason
    }
    const [booking, earlierAttempts, early] = [read.value, counted.value, acquired.value]
    if (booking) seenRestaurant.set(bookingId, booking.restaurantId)
    const before = await answerBeforeBulkhead(booking)
    if (before || !booking) {
      giveBack(early)
      return before ?? { outcome: 'noop', reason: 'terminal_state' }
    }
    const context = { restaurantId: booking.restaurantId, bookingId: booking.id }
    const max = Math.max(1, await deps.flags.number('assignment.pipeline_v3_max_parallel', context))
    let permit = early
    if (permit === undefined || reservation?.restaurantId !== booking.restaurantId) {
      giveBack(permit)
      permit = await resilience.bulkhead.tryAcquire(booking.restaurantId, booking.id, max)
    }
    if (!permit) return { outcome: 'retry', delayMs: BULKHEAD_RETRY_MS, reason: 'BULKHEAD_FULL' }
    const breaker = resilience.breakers
    try {
      const attemptNumber = earlierAttempts + 1
      emit('coordinator.started', booking, {
        trigger,
        lock_wait_ms: lockWait,
        attempt_number: attemptNumber,
        max_parallel: max,
      })
      try {
        return await breaker.forRestaurant(booking.restaurantId).execute(() =>
          attempt(booking, attemptNumber, trigger).catch((error: unknown) => {
            // answers about the booking pass through; anything else is the infrastructure failing
            if (
              error instanceof SwitchedToLegacy ||
              error instanceof VersionConflictError ||
              error instanceof IllegalTransitionError ||
              error instanceof InfrastructureError
            )
              throw error
            throw new InfrastructureError((error as Error).message, { cause: error })
          }),
        )
      } catch (error) {
        if (error instanceof SwitchedToLegacy) {
          await leaveAttempt(booking, 'assignment_pending', 'PIPELINE_SWITCHED').catch(() => {})
          return { outcome: 'retry', delayMs: 0, reason: 'PIPELINE_SWITCHED' }
        }
        if (error instanceof BrokenCircuitError)
          return {
            outcome: 'retry',
            delayMs: Math.max(100, breaker.retryAfterMs(booking.restaurantId)),
            reason: 'CIRCUIT_OPEN',
          }
        if (error instanceof VersionConflictError) {
          // someone else (legacy inline, staff) moved it while we looked: look again soon
          const fresh = await findBookingById(deps.db, booking.id)
          if (!fresh || !OPEN_STATES.includes(fresh.assignmentState))
            return { outcome: 'noop', reason: 'terminal_state' }
          return { outcome: 'retry', delayMs: 200, reason: 'VERSION_CONFLICT' }
        }
        await leaveAttempt(booking, 'assignment_pending', 'DB_ERROR').catch(() => {})
        return { outcome: 'retry', delayMs: options.timings.transientBaseMs, reason: 'DB_ERROR' }
      }
    } finally {
      // released beside the lock (processBooking awaits both at once): one round trip less
      cleanup.push(permit.release().catch(() => {}))
    }
  }

  /**
   * Before the lock: a local bulkhead slot for the booking's restaurant, or the refusal this
   * process can see coming (its own permits and acquires in flight fill the bulkhead).
   */
  async function slotBeforeLock(bookingId: string, restaurantId: string) {
    // an open breaker keeps its own answer (CIRCUIT_OPEN, under the lock as before)
    if (resilience.breakers.retryAfterMs(restaurantId) > 0) return { reservation: null, refused: null }
    const max = Math.max(1, await deps.flags.number('assignment.pipeline_v3_max_parallel', { restaurantId, bookingId }))
    const reservation = resilience.bulkhead.reserve(restaurantId, max)
    if (reservation) return { reservation, refused: null }
    seenRestaurant.set(bookingId, restaurantId)
    const refused: CoordinatorAnswer = { outcome: 'retry', delayMs: BULKHEAD_RETRY_MS, reason: 'BULKHEAD_FULL' }
    return { reservation: null, refused }
  }

  return {
    /**
     * `known` is the booking's restaurant when the caller has it (intake, the job): the bulkhead
     * slot is then taken before the lock, and a bulkhead this process alone keeps full is refused
     * with no round trip at all (under a burst most runs are refusals, and each cost a lock, two
     * reads and the acquire). The refusal is the one the database would give (retry 2000 ms,
     * booking untouched); the checks it skips (terminal state, cutoff) run on the retry.
     */
    async processBooking(
      bookingId: string,
      trigger: Trigger = 'coordinator',
      known?: { restaurantId: string; read?: RunRead },
    ): Promise<CoordinatorResult> {
      const started = performance.now()
      let walked: CoordinatorAnswer
      let lockWait = 0
      let locked = false
      let restaurantId: string | null = null
      const { reservation, refused } = known
        ? await slotBeforeLock(bookingId, known.restaurantId)
        : { reservation: null, refused: null }
      // the reads go out beside the lock, just after it (readForRun says why that is safe)
      const locking = refused
        ? null
        : resilience.locks.acquire(`booking:${bookingId}`, { waitMs: lockWaitMs, ttlMs: lockTtlMs })
      const reading = refused ? null : readForRun(bookingId, reservation, known?.read)
      const lease = await locking
      const reads = reading ? await reading : null
      if (refused) walked = refused
      else if (!lease) {
        lockWait = lockWaitMs
        const permit = reads ? permitOf(reads) : undefined
        if (permit) await permit.release().catch(() => {})
        walked = (await cutoffWhileLocked(reads)) ?? { outcome: 'noop', reason: 'lock_contention' }
      } else {
        locked = true
        lockWait = lease.waitedMs
        const cleanup: Array<Promise<unknown>> = []
        try {
          walked = await underLock(bookingId, trigger, lockWait, cleanup, reservation, reads!)
        } catch (error) {
          console.error(`[coordinator] ${bookingId}:`, error)
          walked = { outcome: 'retry', delayMs: options.timings.transientBaseMs, reason: 'DB_ERROR' }
        } finally {
          await Promise.all([lease.release(), ...cleanup])
        }
      }
      // a slot the run did not turn into a permit (an answer before the bulkhead step)
      reservation?.cancel()
      const durationMs = performance.now() - started
      const result = { ...walked, bookingId, durationMs, lockWaitMs: lockWait } as CoordinatorResult
      restaurantId = seenRestaurant.get(bookingId) ?? null
      seenRestaurant.delete(bookingId)
      const subject = { id: bookingId, restaurantId }
      const common = { duration_ms: durationMs, lock_wait_ms: lockWait, locked, trigger }
      if (result.outcome === 'noop') emit('coordinator.noop', subject, { ...common, reason: result.reason })
      else if (result.outcome === 'retry')
        emit('coordinator.retry', subject, {
          ...common,
          delay_ms: result.delayMs,
          reason: result.reason,
          attempt_number: 0,
        })
      else
        emit('coordinator.finished', subject, {
          ...common,
          outcome: result.outcome,
          attempt_number: result.outcome === 'confirmed' ? result.attemptNumber : 0,
          reason: result.outcome === 'manual_review' ? result.reason : null,
          state: result.outcome === 'manual_review' ? result.state : 'confirmed',
          tables: result.outcome === 'confirmed' ? result.tableKeys : [],
        })
      return result
    },
  }
}

export type Coordinator = ReturnType<typeof createCoordinator>
