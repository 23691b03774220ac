import { z } from 'zod'
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { runAssignmentAttempt } from '../assignment/attempt.ts'
import { transitionBooking } from '../assignment/booking-state.ts'
import { releaseBookingAllocations } from '../assignment/holds.ts'
import { DEFAULT_KNOBS } from '../assignment/quote.ts'
import { withinServiceHours } from '../bookings/block-window.ts'
import { presentBookings, type ApiBooking } from '../bookings/present-booking.ts'
import type { Executor } from '../db/client.ts'
import { attemptCounts, findBookingById } from '../db/queries/bookings.ts'
import { bumpAvailabilityVersion, findRestaurantById, listZones } from '../db/queries/restaurants.ts'
import {
  findTablesByKeys,
  insertAssignments,
  insertAuditEntry,
  insertManualAttempt,
  insertNote,
  lockBooking,
  takenTableIds,
  updateBookingWindow,
} from '../db/queries/review-actions.ts'
import { latestTransition, listBookingAudit } from '../db/queries/review-detail.ts'
import { listExpiredReviewBookings, REVIEW_STATE } from '../db/queries/review-queue.ts'
import { deleteSuggestions } from '../db/queries/review-suggestions.ts'
import type { AutoAssignResult, Booking } from '../db/schema/bookings.ts'
import { AppError, notFound } from '../errors.ts'
import { buildConfirmationEmail } from '../notify/confirmation-email.ts'
import { enqueueEmail } from '../notify/outbox-queries.ts'
import { bookingReasonText } from './reason-text.ts'
import { recordTransition, reviewTransition, type TransitionDone } from './review-transition.ts'
import type { RetryOutcome, ReviewActor, SeatOutcome, SeatRequest } from './review-types.ts'
import { actorText } from './timeline-text.ts'

/** Review actions in audit_log and as `review.*` events: one vocabulary. */
export const REVIEW_ACTIONS = {
  seated: 'review.seated',
  moved: 'review.moved',
  retried: 'review.retried',
  cancelled: 'review.cancelled',
  noted: 'review.noted',
  expired: 'review.expired',
} as const

const tableKey = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\u0000]+$/, 'contains a NUL byte')
const version = z.coerce.number().int().min(0).max(2_147_483_647)

export const seatSchema = z.object({
  bookingId: z.string().uuid(),
  tables: z
    .array(tableKey)
    .min(1, 'Pick at least one table')
    .max(8, 'At most 8 tables')
    .refine((keys) => new Set(keys).size === keys.length, 'A table is listed twice'),
  expectedVersion: version,
  startAt: z.string().datetime({ offset: true }).optional(),
})

// CONTRACT: retry and cancel need not echo a version (a system may just say "retry it"); the
// pages always send it, so two people still cannot both act
export const retrySchema = z.object({ bookingId: z.string().uuid(), expectedVersion: version.optional() })

export const cancelSchema = z.object({
  bookingId: z.string().uuid(),
  expectedVersion: version.optional(),
  reason: z
    .string()
    .trim()
    .min(1, 'Say why it is cancelled')
    .max(500)
    .regex(/^[^\u0000]*$/, 'contains a NUL byte'),
})

export const noteSchema = z.object({
  bookingId: z.string().uuid(),
  body: z
    .string()
    .trim()
    .min(1, 'Write the note')
    .max(2000)
    .regex(/^[^\u0000]*$/, 'contains a NUL byte'),
})

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new AppError(
      'VALIDATION_FAILED',
      first ? `${first.path.join('.') || 'input'}: ${first.message}` : 'The request is not valid',
      400,
      parsed.error.issues,
    )
  }
  return parsed.data
}

const clock = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)

/**
 * What happened to a booking since the version someone saw: the last review action when there is
 * one (it names the person), otherwise the last state change (the engine, typically).
 */
async function describeLastChange(tx: Executor, booking: Booking, timeZone: string): Promise<string> {
  const [audit, transition] = await Promise.all([listBookingAudit(tx, booking.id), latestTransition(tx, booking.id)])
  const lastAction = audit.filter((row) => row.action !== REVIEW_ACTIONS.noted).at(-1)
  const state = booking.assignmentState.replace(/_/g, ' ')
  // the action explains the last state change when the same actor made both (clocks differ: the
  // audit row takes the engine's time, the history row the database's)
  if (lastAction && (!transition || transition.actor === lastAction.actor)) {
    const details = lastAction.details as { tables?: string[]; actorName?: string; reason?: string }
    const who = details.actorName ?? actorText(lastAction.actor)
    const what =
      lastAction.action === REVIEW_ACTIONS.seated || lastAction.action === REVIEW_ACTIONS.moved
        ? `seated it at ${details.tables?.join(' + ') ?? 'tables'}`
        : lastAction.action === REVIEW_ACTIONS.cancelled
          ? `cancelled it${details.reason ? ` (${details.reason})` : ''}`
          : lastAction.action === REVIEW_ACTIONS.retried
            ? 'asked the engine to retry it'
            : lastAction.action
    return `${who} ${what} at ${clock(lastAction.occurredAt, timeZone)}; it is now ${state}.`
  }
  if (transition) {
    return `${actorText(transition.actor)} moved it to ${state} at ${clock(transition.occurredAt, timeZone)}.`
  }
  return `It is now ${state}.`
}

async function versionConflict(tx: Executor, booking: Booking, expected: number, timeZone: string) {
  const what = await describeLastChange(tx, booking, timeZone)
  return new AppError(
    'VERSION_CONFLICT',
    `Someone got there first: ${what} (You acted on version ${expected}; it is at version ${booking.assignmentStateVersion}.) Reload to see it.`,
    409,
  )
}

/** Thrown inside the transaction to roll it back; carries what to tell the person. */
class TablesTaken extends AppError {
  constructor(keys: string[]) {
    super(
      'TABLES_TAKEN',
      `${keys.join(' + ') || 'A table'} ${keys.length === 1 ? 'was' : 'were'} just taken by another booking; nothing was changed. Pick other tables.`,
      409,
    )
  }
}

export function createReviewActions(deps: AssignmentDeps) {
  const db = deps.db

  async function present(booking: Booking): Promise<ApiBooking> {
    const [zones, restaurant] = await Promise.all([
      listZones(db, booking.restaurantId),
      findRestaurantById(db, booking.restaurantId),
    ])
    const [presented] = await presentBookings(db, [booking], {
      slugByRestaurantId: () => restaurant?.slug ?? booking.restaurantId,
      zoneKeyById: (id) => zones.find((zone) => zone.id === id)?.key ?? null,
    })
    return presented!
  }

  /**
   * Locks the booking and checks that it is still in review at the version the person saw; the
   * second of two people acting at once waits on the lock, then gets VERSION_CONFLICT saying who
   * did what.
   */
  async function lockInReview(tx: Executor, bookingId: string, expectedVersion: number | undefined) {
    const booking = await lockBooking(tx, bookingId)
    if (!booking) throw notFound(`Booking ${bookingId}`)
    const restaurant = await findRestaurantById(tx, booking.restaurantId)
    if (!restaurant) throw notFound(`The restaurant of booking ${bookingId}`)
    const version = expectedVersion ?? booking.assignmentStateVersion
    if (booking.assignmentState !== REVIEW_STATE || booking.assignmentStateVersion !== version) {
      throw await versionConflict(tx, booking, version, restaurant.timezone)
    }
    return { booking, restaurant, version }
  }

  function audit(actor: ReviewActor, action: string, bookingId: string, details: Record<string, unknown>) {
    return {
      actorUserId: actor.userId,
      actor: actor.id,
      action,
      bookingId,
      details: { ...details, actorName: actor.name },
    }
  }

  function afterCommit(done: TransitionDone, action: string, actor: ReviewActor, context: Record<string, unknown>) {
    recordTransition(deps.events, done)
    deps.events.record({
      type: action,
      source: 'review',
      restaurantId: done.booking.restaurantId,
      bookingId: done.booking.id,
      context: { actor: actor.id, ...context },
    })
  }

  return {
    /**
     * Seats a booking in review at tables a person chose, optionally at another start (a move),
     * in one transaction: version check under the row lock, the assignments (the exclusion
     * constraint decides: a taken table rolls everything back as TABLES_TAKEN), the state change
     * with its history row, the confirmation email (unique per booking and kind: at most one,
     * whatever the engine did before), the attempt row, the audit row.
     */
    async seat(request: SeatRequest): Promise<SeatOutcome> {
      const input = parse(seatSchema, request)
      const started = performance.now()
      const now = deps.now()
      const result = await db.transaction(async (tx) => {
        const { booking, restaurant } = await lockInReview(tx, input.bookingId, input.expectedVersion)
        const tables = await findTablesByKeys(tx, booking.restaurantId, input.tables)
        const unknown = input.tables.filter((key) => !tables.some((table) => table.key === key))
        if (unknown.length > 0) {
          throw new AppError('UNKNOWN_TABLES', `${restaurant.name} has no table ${unknown.join(', ')}.`, 400)
        }
        const inactive = tables.filter((table) => !table.active).map((table) => table.key)
        if (inactive.length > 0) {
          throw new AppError(
            'TABLE_INACTIVE',
            `${inactive.join(', ')} ${inactive.length === 1 ? 'is' : 'are'} not in use.`,
            400,
          )
        }
        const capacity = tables.reduce((sum, table) => sum + table.capacity, 0)
        if (capacity < booking.partySize) {
          throw new AppError(
            'TABLES_TOO_SMALL',
            `${input.tables.join(' + ')} seat${tables.length === 1 ? 's' : ''} ${capacity}; the party is ${booking.partySize}. Add a table.`,
            400,
          )
        }
        let window = { start: booking.startAt, end: booking.endAt }
        const moved = input.startAt !== undefined && new Date(input.startAt).getTime() !== booking.startAt.getTime()
        if (moved) {
          const start = new Date(input.startAt!)
          if (start.getTime() <= now.getTime()) {
            throw new AppError('VALIDATION_FAILED', 'The new start time has already passed; pick a later one.', 400)
          }
          if (!withinServiceHours(restaurant.servicePeriods, start, restaurant.timezone)) {
            throw new AppError(
              'OUTSIDE_SERVICE_HOURS',
              `${restaurant.name} does not seat at ${clock(start, restaurant.timezone)} on that day.`,
              400,
            )
          }
          window = { start, end: new Date(start.getTime() + (booking.endAt.getTime() - booking.startAt.getTime())) }
          await updateBookingWindow(tx, booking.id, window)
        }
        const tableIds = tables.map((table) => table.id)
        const inserted = await insertAssignments(tx, {
          restaurantId: booking.restaurantId,
          bookingId: booking.id,
          tableIds,
          window,
          now,
        })
        if (inserted !== tableIds.length) {
          const taken = new Set(await takenTableIds(tx, tableIds, window, now))
          throw new TablesTaken(tables.filter((table) => taken.has(table.id)).map((table) => table.key))
        }
        const keys = tables.map((table) => table.key).sort()
        const email = buildConfirmationEmail({
          reference: booking.reference,
          guestName: booking.guestName,
          guestEmail: booking.guestEmail,
          restaurantName: restaurant.name,
          timezone: restaurant.timezone,
          startAt: window.start,
          partySize: booking.partySize,
          tableKeys: keys,
        })
        const emailQueued = await enqueueEmail(tx, { bookingId: booking.id, ...email })
        const lastResult: AutoAssignResult = {
          source: 'manual',
          at: now.toISOString(),
          success: true,
          reason: null,
          reasonCategory: null,
          strategy: { requireAdjacency: false, maxTables: keys.length },
          trigger: 'manual',
          durationMs: performance.now() - started,
          attemptId: null,
          emailQueued,
        }
        const done = await reviewTransition(tx, {
          bookingId: booking.id,
          from: REVIEW_STATE,
          to: 'confirmed',
          expectedVersion: input.expectedVersion,
          reason: moved ? `moved to ${window.start.toISOString()} and seated by staff` : 'seated by staff',
          actor: request.actor.id,
          set: { status: 'confirmed', confirmedAt: now, autoAssignLastResult: lastResult },
        })
        if (!done) throw await versionConflict(tx, booking, input.expectedVersion, restaurant.timezone)
        await insertManualAttempt(tx, {
          bookingId: booking.id,
          outcome: 'confirmed',
          reasonCode: null,
          startedAt: now,
          durationMs: performance.now() - started,
          plan: { tableIds, tableKeys: keys },
          strategy: { manual: true, tables: keys.length },
        })
        const details = {
          tables: keys,
          expectedVersion: input.expectedVersion,
          emailQueued,
          ...(moved ? { fromStart: booking.startAt.toISOString(), toStart: window.start.toISOString() } : {}),
        }
        await insertAuditEntry(tx, {
          ...audit(request.actor, moved ? REVIEW_ACTIONS.moved : REVIEW_ACTIONS.seated, booking.id, details),
          at: now,
        })
        await bumpAvailabilityVersion(tx, booking.restaurantId)
        await deleteSuggestions(tx, [booking.id])
        return { done, keys, emailQueued, moved, details }
      })
      if (result.moved) afterCommit(result.done, REVIEW_ACTIONS.moved, request.actor, result.details)
      afterCommit(result.done, REVIEW_ACTIONS.seated, request.actor, result.details)
      deps.events.record({
        type: 'booking.confirmed',
        source: 'review',
        restaurantId: result.done.booking.restaurantId,
        bookingId: result.done.booking.id,
        context: { tables: result.keys, trigger: 'manual', actor: request.actor.id },
      })
      if (result.emailQueued) deps.onEmailQueued?.()
      return {
        booking: await present(result.done.booking),
        tables: result.keys,
        emailQueued: result.emailQueued,
        moved: result.moved,
      }
    },

    /**
     * Hands the booking back to the engine for one more automatic attempt (CONTRACT: 202). The
     * booking goes manual_review -> assignment_pending under the version check, then the engine's
     * own attempt runs (quote, hold, confirm: its confirmation email, its commit path); when it
     * cannot seat it either, the booking returns to review with the new reason.
     */
    async retry(request: { bookingId: string; expectedVersion?: number; actor: ReviewActor }): Promise<RetryOutcome> {
      const input = parse(retrySchema, request)
      const now = deps.now()
      const reopened = await db.transaction(async (tx) => {
        const { version } = await lockInReview(tx, input.bookingId, input.expectedVersion)
        const done = await reviewTransition(tx, {
          bookingId: input.bookingId,
          from: REVIEW_STATE,
          to: 'assignment_pending',
          expectedVersion: version,
          reason: 'retry requested by staff',
          actor: request.actor.id,
        })
        if (!done) throw new AppError('VERSION_CONFLICT', 'Someone got there first; reload to see it.', 409)
        await insertAuditEntry(tx, {
          ...audit(request.actor, REVIEW_ACTIONS.retried, input.bookingId, { expectedVersion: version }),
          at: now,
        })
        await deleteSuggestions(tx, [input.bookingId])
        return done
      })
      recordTransition(deps.events, reopened)
      const attemptsSoFar = (await attemptCounts(db, [input.bookingId])).get(input.bookingId) ?? 0
      const attempt = await runAssignmentAttempt(deps, reopened.booking, {
        trigger: 'manual',
        pipeline: 'legacy',
        attemptNumber: attemptsSoFar + 1,
        knobs: DEFAULT_KNOBS,
      })
      let outcome: RetryOutcome['outcome'] = attempt.success ? 'confirmed' : 'other'
      if (!attempt.success && !attempt.bookingNotPending) {
        const reason = attempt.reason ?? 'UNKNOWN'
        const back = await db.transaction((tx) =>
          reviewTransition(tx, {
            bookingId: input.bookingId,
            from: 'assignment_pending',
            to: REVIEW_STATE,
            expectedVersion: reopened.version,
            reason,
            actor: request.actor.id,
            set: { manualReviewReason: reason },
          }),
        )
        if (back) {
          recordTransition(deps.events, back)
          outcome = 'manual_review'
        }
      }
      deps.events.record({
        type: REVIEW_ACTIONS.retried,
        source: 'review',
        restaurantId: reopened.booking.restaurantId,
        bookingId: input.bookingId,
        context: { actor: request.actor.id, outcome, reason: attempt.reason, tables: attempt.tableKeys },
      })
      const fresh = (await findBookingById(db, input.bookingId))!
      return {
        booking: await present(fresh),
        outcome,
        reason: attempt.success ? null : attempt.reason,
        reasonText: attempt.success ? null : bookingReasonText(attempt.reason),
      }
    },

    /** Cancels a booking in review with a reason; its tables (if any) are free at once. */
    async cancel(request: {
      bookingId: string
      expectedVersion?: number
      reason: string
      actor: ReviewActor
    }): Promise<ApiBooking> {
      const input = parse(cancelSchema, request)
      const now = deps.now()
      const done = await db.transaction(async (tx) => {
        const { booking, version } = await lockInReview(tx, input.bookingId, input.expectedVersion)
        const changed = await reviewTransition(tx, {
          bookingId: booking.id,
          from: REVIEW_STATE,
          to: 'cancelled',
          expectedVersion: version,
          reason: input.reason,
          actor: request.actor.id,
          set: { status: 'cancelled', cancelledAt: now },
        })
        if (!changed) throw new AppError('VERSION_CONFLICT', 'Someone got there first; reload to see it.', 409)
        const released = await releaseBookingAllocations(tx, booking.id, now)
        if (released > 0) await bumpAvailabilityVersion(tx, booking.restaurantId)
        await insertAuditEntry(tx, {
          ...audit(request.actor, REVIEW_ACTIONS.cancelled, booking.id, {
            reason: input.reason,
            expectedVersion: version,
          }),
          at: now,
        })
        await deleteSuggestions(tx, [booking.id])
        return changed
      })
      afterCommit(done, REVIEW_ACTIONS.cancelled, request.actor, { reason: input.reason })
      deps.events.record({
        type: 'booking.cancelled',
        source: 'review',
        restaurantId: done.booking.restaurantId,
        bookingId: done.booking.id,
        context: { actor: request.actor.id, reason: input.reason },
      })
      return present(done.booking)
    },

    /** A note on the booking, in any state; no version: notes never conflict. */
    async note(request: { bookingId: string; body: string; actor: ReviewActor }) {
      const input = parse(noteSchema, request)
      const now = deps.now()
      const note = await db.transaction(async (tx) => {
        const booking = await lockBooking(tx, input.bookingId)
        if (!booking) throw notFound(`Booking ${input.bookingId}`)
        const row = await insertNote(tx, {
          bookingId: booking.id,
          authorUserId: request.actor.userId,
          author: request.actor.name,
          body: input.body,
          at: now,
        })
        await insertAuditEntry(tx, {
          ...audit(request.actor, REVIEW_ACTIONS.noted, booking.id, { noteId: row.id }),
          at: now,
        })
        return { row, restaurantId: booking.restaurantId }
      })
      deps.events.record({
        type: REVIEW_ACTIONS.noted,
        source: 'review',
        restaurantId: note.restaurantId,
        bookingId: input.bookingId,
        context: { actor: request.actor.id, note_id: note.row.id },
      })
      return note.row
    },

    /**
     * Moves bookings in review whose time has passed to failed, keeping the reason they failed
     * with; no version check: nobody can seat a booking in the past any more.
     */
    async expirePast(now: Date, limit = 100): Promise<number> {
      const expired = await listExpiredReviewBookings(db, now, limit)
      let moved = 0
      for (const row of expired) {
        const reason = `EXPIRED${row.reason ? `:${row.reason}` : ''}`
        const done = await db.transaction(async (tx) => {
          const changed = await transitionBooking(tx, {
            bookingId: row.id,
            from: [REVIEW_STATE],
            to: 'failed',
            reason,
            actor: 'review:expiry',
          })
          if (changed) await deleteSuggestions(tx, [row.id])
          return changed
        })
        if (!done) continue
        moved++
        recordTransition(deps.events, {
          booking: done,
          from: REVIEW_STATE,
          to: 'failed',
          version: done.assignmentStateVersion,
          actor: 'review:expiry',
        })
        deps.events.record({
          type: REVIEW_ACTIONS.expired,
          source: 'review',
          severity: 'warning',
          restaurantId: row.restaurantId,
          bookingId: row.id,
          context: { reason: row.reason },
        })
      }
      return moved
    },
  }
}

export type ReviewActions = ReturnType<typeof createReviewActions>
