import { z } from 'zod'
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { runAssignmentAttempt } from '../assignment/attempt.ts'
import { releaseBookingAllocations } from '../assignment/holds.ts'
import { DEFAULT_KNOBS } from '../assignment/quote.ts'
import { WAITING_STATES, VersionConflictError, type AppliedTransition } from '../assignment/state-machine.ts'
import { seatAtTables } from '../assignment/steps/seat.ts'
import { withinServiceHours } from '../bookings/block-window.ts'
import { presentBookings, type ApiBooking } from '../bookings/present-booking.ts'
import type { Executor } from '../db/client.ts'
import { attemptCounts, findBookingById, liveTableKeys } from '../db/queries/bookings.ts'
import type { EventType } from '../observability/event-catalog.ts'
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
import { lastEnteredAt, latestTransition, listBookingAudit } from '../db/queries/review-detail.ts'
import { listExpiredReviewBookings } from '../db/queries/review-queue.ts'
import { deleteSuggestions, findStoredSuggestions } from '../db/queries/review-suggestions.ts'
import type { AssignmentState, AutoAssignResult, Booking } from '../db/schema/bookings.ts'
import type { StoredSuggestion } from '../db/schema/review.ts'
import { AppError, notFound } from '../errors.ts'
import { buildConfirmationEmail } from '../notify/confirmation-email.ts'
import { enqueueEmail } from '../notify/outbox-queries.ts'
import { bookingReasonText } from './reason-text.ts'
import { isReseatSuggestionId, reseatSuggestion } from './reseat-suggestion.ts'
import { loadFloorContext } from './review-reader.ts'
import { createReviewTransitions } from './review-transition.ts'
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
  /** the picked suggestion's id; a re-seating suggestion brings its moves (read back from the store) */
  suggestion: z.string().max(2000).optional(),
})

// docs/api.md: retry and cancel need not echo a version (a system may just say "retry it"); the
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

const TRANSITION_VERBS: Partial<Record<string, string>> = {
  confirmed: 'seated it',
  cancelled: 'cancelled it',
  assignment_pending: 'asked the engine to retry it',
  manual_review: 'sent it back to review',
  failed: 'marked it failed',
}

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
    // the winner's audit row may still be on its way (a seat audits after its commit): say it
    // from the history row, in the same words
    const tables =
      transition.toState === 'confirmed' ? (await liveTableKeys(tx, [booking.id])).get(booking.id) : undefined
    const what = TRANSITION_VERBS[transition.toState] ?? `moved it to ${state}`
    const where = tables?.length ? ` at ${tables.join(' + ')}` : ''
    return `${actorText(transition.actor)} ${what}${where} at ${clock(transition.occurredAt, timeZone)}; it is now ${state}.`
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

/** The state a booking in review is in; the expiry moves it from here to failed. */
const REVIEW_STATE: AssignmentState = 'manual_review'

interface Checked {
  booking: Booking
  restaurant: NonNullable<Awaited<ReturnType<typeof findRestaurantById>>>
  version: number
}

export function createReviewActions(deps: AssignmentDeps) {
  const db = deps.db
  const transitions = createReviewTransitions(deps.events)

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
   * The booking still waits for a person at the version the person saw (no version: whatever
   * it is now). With a transaction, the row is locked: the second of two people waits here, then
   * reads what the first wrote and gets VERSION_CONFLICT saying who did what.
   */
  async function checkWaiting(
    executor: Executor,
    bookingId: string,
    expectedVersion: number | undefined,
    lock: boolean,
  ) {
    const booking = lock ? await lockBooking(executor, bookingId) : await findBookingById(executor, bookingId)
    if (!booking) throw notFound(`Booking ${bookingId}`)
    const restaurant = await findRestaurantById(executor, booking.restaurantId)
    if (!restaurant) throw notFound(`The restaurant of booking ${bookingId}`)
    const version = expectedVersion ?? booking.assignmentStateVersion
    if (!WAITING_STATES.includes(booking.assignmentState) || booking.assignmentStateVersion !== version) {
      throw await versionConflict(executor, booking, version, restaurant.timezone)
    }
    return { booking, restaurant, version } satisfies Checked
  }

  /** A state machine conflict inside an action, told the way a person understands it. */
  async function explainConflict(error: unknown, bookingId: string, expected: number): Promise<never> {
    if (error instanceof VersionConflictError) {
      const booking = await findBookingById(db, bookingId)
      const restaurant = booking ? await findRestaurantById(db, booking.restaurantId) : undefined
      if (booking && restaurant) throw await versionConflict(db, booking, expected, restaurant.timezone)
    }
    throw error
  }

  function audit(actor: ReviewActor, action: string, bookingId: string, details: Record<string, unknown>, at: Date) {
    return {
      actorUserId: actor.userId,
      actor: actor.id,
      action,
      bookingId,
      details: { ...details, actorName: actor.name },
      at,
    }
  }

  function recordAction(
    type: EventType,
    booking: { id: string; restaurantId: string },
    actor: ReviewActor,
    context: Record<string, unknown>,
  ) {
    deps.events.record({
      type,
      source: 'review',
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      context: { actor: actor.id, ...context },
    })
  }

  /**
   * How long the booking waited for a person, on the event that ends the wait: the review SLA
   * (sql/analytics/facts/review-waits.sql reads `waited_ms` from review.seated|cancelled|retried|expired).
   */
  async function waited(bookingId: string, now: Date): Promise<{ waited_ms?: number }> {
    const since = await lastEnteredAt(db, bookingId, WAITING_STATES)
    return since ? { waited_ms: Math.max(0, now.getTime() - since.getTime()) } : {}
  }

  /** Resolves and checks the tables a person picked; throws a 4xx a host can act on. */
  async function pickedTables(executor: Executor, checked: Checked, keys: string[]) {
    const { booking, restaurant } = checked
    const tables = await findTablesByKeys(executor, booking.restaurantId, keys)
    const unknown = keys.filter((key) => !tables.some((table) => table.key === key))
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
        `${keys.join(' + ')} seat${tables.length === 1 ? 's' : ''} ${capacity}; the party is ${booking.partySize}. Add a table.`,
        400,
      )
    }
    return tables
  }

  function movedWindow(checked: Checked, startAt: string | undefined, now: Date) {
    const { booking, restaurant } = checked
    if (startAt === undefined || new Date(startAt).getTime() === booking.startAt.getTime()) return null
    const start = new Date(startAt)
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
    return { start, end: new Date(start.getTime() + (booking.endAt.getTime() - booking.startAt.getTime())) }
  }

  function refusePassed(checked: Checked, now: Date) {
    if (checked.booking.startAt.getTime() <= now.getTime()) {
      throw new AppError(
        'BOOKING_PASSED',
        `${checked.booking.reference} was due at ${clock(checked.booking.startAt, checked.restaurant.timezone)}; move it to a later time or cancel it.`,
        409,
      )
    }
  }

  /**
   * The moves of a re-seating suggestion in table ids, each for its booking's own window. The
   * commit fences every move on the booking's current tables, so a suggestion gone stale since it
   * was computed moves nobody.
   */
  async function plannedMoves(checked: Checked, reseat: NonNullable<StoredSuggestion['reseat']>) {
    const restaurantId = checked.booking.restaurantId
    const keys = [...new Set(reseat.flatMap((move) => [...move.from, ...move.to]))]
    const idByKey = new Map((await findTablesByKeys(db, restaurantId, keys)).map((table) => [table.key, table.id]))
    return Promise.all(
      reseat.map(async (move) => {
        const moved = await findBookingById(db, move.bookingId)
        const ids = (list: string[]) => list.map((key) => idByKey.get(key))
        const from = ids(move.from)
        const to = ids(move.to)
        if (!moved || moved.restaurantId !== restaurantId || [...from, ...to].some((id) => id === undefined))
          throw reseatStale(reseat)
        return {
          bookingId: move.bookingId,
          from: from as string[],
          to: to as string[],
          fromKeys: move.from,
          toKeys: move.to,
          window: { start: moved.startAt, end: moved.endAt },
        }
      }),
    )
  }

  /**
   * A re-seating suggestion the stored ones no longer hold: the refresh task recomputes them
   * without it (reseat-suggestion.ts) once the restaurant's availability moves on, which in a busy
   * restaurant is seconds after the page showed it. Searched again now: the same moves give the
   * same id, and the seat's fenced commit decides as for a stored one.
   */
  async function reseatAgain(booking: Booking, suggestionId: string): Promise<StoredSuggestion | undefined> {
    if (!isReseatSuggestionId(suggestionId)) return undefined
    const context = await loadFloorContext(deps, booking.restaurantId)
    const again = context ? await reseatSuggestion(deps, booking, context) : null
    return again?.id === suggestionId ? again : undefined
  }

  function reseatStale(reseat: NonNullable<StoredSuggestion['reseat']>) {
    const who = reseat.map((move) => move.reference).join(', ') || 'A booking to move'
    return new AppError(
      'RESEAT_STALE',
      `${who} or the tables changed since this suggestion was made; nobody was moved. Reload for fresh suggestions.`,
      409,
    )
  }

  /**
   * Seat where it is booked: the pipelines' own commit path (assignment/steps/seat.ts): a hold
   * (the exclusion constraint decides: TABLES_TAKEN), the confirm with the person's version (the
   * state machine's check: VERSION_CONFLICT), its history row, transition and booking.confirmed
   * events, one confirmation email (unique per booking and kind), the attempt row. The audit row
   * and review.seated follow the commit.
   */
  async function seatAsBooked(
    request: SeatRequest,
    input: z.infer<typeof seatSchema>,
    now: Date,
    reseat?: NonNullable<StoredSuggestion['reseat']>,
  ): Promise<SeatOutcome> {
    const checked = await checkWaiting(db, input.bookingId, input.expectedVersion, false)
    refusePassed(checked, now)
    const tables = await pickedTables(db, checked, input.tables)
    const moves = reseat ? await plannedMoves(checked, reseat) : undefined
    const seated = await seatAtTables(deps, checked.booking, {
      tableIds: tables.map((table) => table.id),
      zoneId: tables[0]!.zoneId,
      expectedVersion: input.expectedVersion,
      actor: request.actor.id,
      ...(moves ? { moves } : {}),
    })
    if (!seated.ok) {
      if (seated.reason === 'TABLES_TAKEN' && reseat) throw reseatStale(reseat)
      if (seated.reason === 'TABLES_TAKEN') {
        const window = { start: checked.booking.startAt, end: checked.booking.endAt }
        const taken = new Set(
          await takenTableIds(
            db,
            tables.map((t) => t.id),
            window,
            deps.now(),
            checked.booking.id,
          ),
        )
        throw new TablesTaken(tables.filter((table) => taken.has(table.id)).map((table) => table.key))
      }
      if (seated.reason === 'VERSION_CONFLICT' || seated.reason === 'NOT_WAITING') {
        const fresh = (await findBookingById(db, checked.booking.id))!
        throw await versionConflict(db, fresh, input.expectedVersion, checked.restaurant.timezone)
      }
      throw new AppError(
        seated.reason,
        'The tables could not be confirmed in time; nothing was changed. Try again.',
        503,
      )
    }
    const keys = [...seated.tableKeys].sort()
    const details = {
      tables: keys,
      expectedVersion: input.expectedVersion,
      emailQueued: seated.emailQueued,
      ...(reseat ? { moved: reseat.map(({ reference, from, to }) => ({ reference, from, to })) } : {}),
    }
    await insertAuditEntry(db, audit(request.actor, REVIEW_ACTIONS.seated, checked.booking.id, details, now))
    await deleteSuggestions(db, [checked.booking.id])
    recordAction(REVIEW_ACTIONS.seated, checked.booking, request.actor, {
      ...details,
      ...(await waited(checked.booking.id, now)),
    })
    const fresh = (await findBookingById(db, checked.booking.id))!
    return { booking: await present(fresh), tables: keys, emailQueued: seated.emailQueued, moved: false }
  }

  /**
   * Move and seat: the booking's window changes with its seat, so all of it is one transaction
   * (a seat that fails must not leave the booking moved): the row lock and version check, the new
   * window, the assignments (the exclusion constraint decides), the state machine's transition,
   * the email (unique per booking and kind), the attempt and audit rows.
   */
  async function moveAndSeat(request: SeatRequest, input: z.infer<typeof seatSchema>, now: Date): Promise<SeatOutcome> {
    const started = performance.now()
    const result = await db
      .transaction(async (tx) => {
        const checked = await checkWaiting(tx, input.bookingId, input.expectedVersion, true)
        const { booking, restaurant } = checked
        const tables = await pickedTables(tx, checked, input.tables)
        const window = movedWindow(checked, input.startAt, now)!
        await updateBookingWindow(tx, booking.id, window)
        const tableIds = tables.map((table) => table.id)
        const inserted = await insertAssignments(tx, {
          restaurantId: booking.restaurantId,
          bookingId: booking.id,
          tableIds,
          window,
          now,
        })
        if (inserted !== tableIds.length) {
          const taken = new Set(await takenTableIds(tx, tableIds, window, now, booking.id))
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
        const applied = await transitions.apply(tx, {
          bookingId: booking.id,
          to: 'confirmed',
          from: WAITING_STATES,
          expectedVersion: input.expectedVersion,
          reason: `moved to ${window.start.toISOString()} and seated by staff`,
          actor: request.actor.id,
          set: { status: 'confirmed', confirmedAt: now, autoAssignLastResult: lastResult },
        })
        await insertManualAttempt(tx, {
          bookingId: booking.id,
          outcome: 'confirmed',
          reasonCode: null,
          startedAt: now,
          durationMs: performance.now() - started,
          plan: { tableIds, tableKeys: keys },
          strategy: { manual: true, moved: true, tables: keys.length },
        })
        const details = {
          tables: keys,
          expectedVersion: input.expectedVersion,
          emailQueued,
          fromStart: booking.startAt.toISOString(),
          toStart: window.start.toISOString(),
        }
        await insertAuditEntry(tx, audit(request.actor, REVIEW_ACTIONS.moved, booking.id, details, now))
        await bumpAvailabilityVersion(tx, booking.restaurantId)
        await deleteSuggestions(tx, [booking.id])
        return { applied, keys, emailQueued, details }
      })
      .catch((error: unknown) => explainConflict(error, input.bookingId, input.expectedVersion))
    const booking = result.applied.booking
    transitions.announce(result.applied)
    recordAction(REVIEW_ACTIONS.moved, booking, request.actor, result.details)
    recordAction(REVIEW_ACTIONS.seated, booking, request.actor, {
      ...result.details,
      ...(await waited(booking.id, now)),
    })
    // staff seats are no pipeline's work; like assignment/steps/seat.ts, they count under legacy
    deps.events.record({
      type: 'booking.confirmed',
      source: 'review',
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      context: {
        pipeline: 'legacy',
        shadow: false,
        trigger: 'manual',
        version: result.applied.version,
        actor: request.actor.id,
        tables: result.keys,
        email_queued: result.emailQueued,
      },
    })
    if (result.emailQueued) deps.onEmailQueued?.()
    return { booking: await present(booking), tables: result.keys, emailQueued: result.emailQueued, moved: true }
  }

  return {
    /** Seats a waiting booking at tables a person chose, where it is booked or at a new start. */
    async seat(request: SeatRequest): Promise<SeatOutcome> {
      const input = parse(seatSchema, request)
      const now = deps.now()
      const booking = await findBookingById(db, input.bookingId)
      if (!booking) throw notFound(`Booking ${input.bookingId}`)
      if (input.suggestion !== undefined) {
        const picked =
          (await findStoredSuggestions(db, booking.id))?.suggestions.find((s) => s.id === input.suggestion) ??
          (await reseatAgain(booking, input.suggestion))
        if (picked?.reseat) {
          // the tables and the moves are the suggestion's, as computed: the form names it, no more
          return seatAsBooked(request, { ...input, tables: picked.tables, startAt: undefined }, now, picked.reseat)
        }
        if (!picked && isReseatSuggestionId(input.suggestion)) throw reseatStale([])
      }
      const moves = input.startAt !== undefined && new Date(input.startAt).getTime() !== booking.startAt.getTime()
      return moves ? moveAndSeat(request, input, now) : seatAsBooked(request, input, now)
    },

    /**
     * Hands the booking back to the engine for one more automatic attempt (docs/api.md: 202): the
     * state machine moves it to assignment_pending under the version check, then the engine's own
     * attempt runs (decide and commit: its hold, its confirm, its one email); when it cannot seat
     * it either, the booking goes back to review with the new reason.
     */
    async retry(request: { bookingId: string; expectedVersion?: number; actor: ReviewActor }): Promise<RetryOutcome> {
      const input = parse(retrySchema, request)
      const now = deps.now()
      let expected = input.expectedVersion ?? -1
      const reopened = await db
        .transaction(async (tx) => {
          const checked = await checkWaiting(tx, input.bookingId, input.expectedVersion, true)
          refusePassed(checked, now)
          expected = checked.version
          const applied = await transitions.apply(tx, {
            bookingId: input.bookingId,
            to: 'assignment_pending',
            from: WAITING_STATES,
            expectedVersion: checked.version,
            reason: 'retry requested by staff',
            actor: request.actor.id,
          })
          await insertAuditEntry(
            tx,
            audit(request.actor, REVIEW_ACTIONS.retried, input.bookingId, { expectedVersion: checked.version }, now),
          )
          await deleteSuggestions(tx, [input.bookingId])
          return applied
        })
        .catch((error: unknown) => explainConflict(error, input.bookingId, expected))
      transitions.announce(reopened)
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
        try {
          const back = await db.transaction((tx) =>
            transitions.apply(tx, {
              bookingId: input.bookingId,
              to: REVIEW_STATE,
              from: ['assignment_pending'],
              expectedVersion: reopened.version,
              reason,
              actor: request.actor.id,
              set: { manualReviewReason: reason },
            }),
          )
          transitions.announce(back)
          outcome = 'manual_review'
        } catch (error) {
          // someone (the engine's sweep, a person) moved it meanwhile: theirs stands
          if (!(error instanceof VersionConflictError)) throw error
        }
      }
      recordAction(REVIEW_ACTIONS.retried, reopened.booking, request.actor, {
        // the wait ends only when the engine seated it; back in review, it goes on
        ...(outcome === 'confirmed' ? await waited(input.bookingId, now) : {}),
        outcome,
        reason: attempt.reason,
        tables: attempt.tableKeys,
      })
      const fresh = (await findBookingById(db, input.bookingId))!
      return {
        booking: await present(fresh),
        outcome,
        reason: attempt.success ? null : attempt.reason,
        reasonText: attempt.success ? null : bookingReasonText(attempt.reason),
      }
    },

    /** Cancels a waiting booking with a reason; its tables (if any) are free at once. */
    async cancel(request: {
      bookingId: string
      expectedVersion?: number
      reason: string
      actor: ReviewActor
    }): Promise<ApiBooking> {
      const input = parse(cancelSchema, request)
      const now = deps.now()
      let expected = input.expectedVersion ?? -1
      const applied = await db
        .transaction(async (tx) => {
          const checked = await checkWaiting(tx, input.bookingId, input.expectedVersion, true)
          expected = checked.version
          const changed = await transitions.apply(tx, {
            bookingId: input.bookingId,
            to: 'cancelled',
            from: WAITING_STATES,
            expectedVersion: checked.version,
            reason: input.reason,
            actor: request.actor.id,
            set: { status: 'cancelled', cancelledAt: now },
          })
          const released = await releaseBookingAllocations(tx, input.bookingId, now)
          if (released > 0) await bumpAvailabilityVersion(tx, checked.booking.restaurantId)
          await insertAuditEntry(
            tx,
            audit(
              request.actor,
              REVIEW_ACTIONS.cancelled,
              input.bookingId,
              { reason: input.reason, expectedVersion: checked.version },
              now,
            ),
          )
          await deleteSuggestions(tx, [input.bookingId])
          return changed
        })
        .catch((error: unknown) => explainConflict(error, input.bookingId, expected))
      transitions.announce(applied)
      recordAction(REVIEW_ACTIONS.cancelled, applied.booking, request.actor, {
        reason: input.reason,
        ...(await waited(input.bookingId, now)),
      })
      recordAction('booking.cancelled', applied.booking, request.actor, { reason: input.reason })
      return present(applied.booking)
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
        await insertAuditEntry(tx, audit(request.actor, REVIEW_ACTIONS.noted, booking.id, { noteId: row.id }, now))
        return { row, booking }
      })
      recordAction(REVIEW_ACTIONS.noted, note.booking, request.actor, { note_id: note.row.id })
      return note.row
    },

    /**
     * Moves bookings in review whose time has passed to failed, keeping the reason they failed
     * with (the history row says EXPIRED:<reason>); no version check: nobody can seat a booking
     * in the past any more, so whatever version it is at, this is where it ends.
     */
    async expirePast(now: Date, limit = 100): Promise<number> {
      const expired = await listExpiredReviewBookings(db, REVIEW_STATE, now, limit)
      let moved = 0
      for (const row of expired) {
        // before the move: failed is a waiting state too, and would restart the clock
        const wait = await waited(row.id, now)
        let applied: AppliedTransition
        try {
          applied = await db.transaction(async (tx) => {
            const changed = await transitions.apply(tx, {
              bookingId: row.id,
              to: 'failed',
              from: [REVIEW_STATE],
              reason: `EXPIRED${row.reason ? `:${row.reason}` : ''}`,
              actor: 'review:expiry',
            })
            await deleteSuggestions(tx, [row.id])
            return changed
          })
        } catch (error) {
          if (error instanceof VersionConflictError) continue // seated or cancelled a moment ago
          throw error
        }
        moved++
        transitions.announce(applied)
        deps.events.record({
          type: REVIEW_ACTIONS.expired,
          source: 'review',
          severity: 'warning',
          restaurantId: row.restaurantId,
          bookingId: row.id,
          context: { actor: 'review:expiry', reason: row.reason, ...wait },
        })
      }
      return moved
    },
  }
}

export type ReviewActions = ReturnType<typeof createReviewActions>
