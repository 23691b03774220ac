import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Transaction } from '../db/client.ts'
import { sqlExecutorOf } from '../db/prepared.ts'
import type { Availability } from '../db/queries/availability.ts'
import { makeJobDueNow } from '../db/queries/auto-assign-jobs.ts'
import { bookings, type Booking } from '../db/schema/bookings.ts'
import { restaurants, type Restaurant } from '../db/schema/restaurants.ts'
import {
  countBookingsMatching,
  findBookingById,
  findBookingByIdempotencyKey,
  insertBookingWithAvailability,
  listBookingsAfter,
  type BookingListFilter,
} from '../db/queries/bookings.ts'
import { bumpAvailabilityVersion } from '../db/queries/restaurants.ts'
import type { DirectoryEntry as RestaurantEntry, RestaurantDirectory } from '../restaurants/restaurant-directory.ts'
import { AppError, notFound } from '../errors.ts'
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { inlineAutoAssign, type InlineOutcome } from '../assignment/inline.ts'
import { selectPipeline } from '../assignment/pipelines/select.ts'
import { AUTO_ASSIGN_QUEUE, enqueueAutoAssign } from '../assignment/auto-assign-job.ts'
import { transitionBooking } from '../assignment/booking-state.ts'
import { releaseBookingAllocations } from '../assignment/holds.ts'
import type { JobQueue } from '../jobs/queue.ts'
import { blockWindow, localClock, withinServiceHours } from './block-window.ts'
import { createBookingSchema, listBookingsSchema, type CreateBookingInput } from './booking-schema.ts'
import { buildCancellationEmail, CONFIRMATION_KIND } from '../notify/confirmation-email.ts'
import { confirmationMayHaveGoneOut, enqueueEmail, findEmailOfKind } from '../notify/outbox-queries.ts'
import { presentBookings, type ApiBooking } from './present-booking.ts'
import { decodeBookingCursor, encodeBookingCursor } from './booking-cursor.ts'

export interface AutoAssignAnswer {
  outcome: 'confirmed' | 'queued' | 'timeout'
  reason?: string
  durationMs: number
}

export interface CreateBookingAnswer {
  /** 201 for a new booking, 200 for an idempotent replay */
  status: 201 | 200
  booking: ApiBooking
  autoAssign: AutoAssignAnswer
}

/** GET /api/bookings: a page, the number of bookings matching in all, and the next page's cursor (null: last page). */
export interface BookingPage {
  bookings: ApiBooking[]
  total: number
  nextCursor: string | null
}

const uuidSchema = z.string().uuid()

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
// random bytes are drawn 4 KiB at a time: one system call per 512 references instead of one each
const randomPool = Buffer.alloc(4096)
let randomOffset = randomPool.length
function newReference(): string {
  if (randomOffset + 8 > randomPool.length) {
    crypto.randomFillSync(randomPool)
    randomOffset = 0
  }
  let reference = 'MT-'
  // 32 symbols divide 256 evenly: every symbol is equally likely
  for (let i = 0; i < 8; i++) reference += REFERENCE_ALPHABET[randomPool[randomOffset + i]! % REFERENCE_ALPHABET.length]
  randomOffset += 8
  return reference
}

/** a replay waits this long past the inline deadline for the first request to finish */
const REPLAY_WAIT_MARGIN_MS = 2_000
const REPLAY_POLL_MS = 20
/** the first job is due this long after the inline deadline */
const FIRST_JOB_MARGIN_MS = 1_000

interface IntakeRequest {
  input: CreateBookingInput
  entry: RestaurantEntry
  restaurant: Restaurant
  startAt: Date
  zoneId: string | null
  now: Date
}

/** The first detail in which a replay differs from the booking its key made, if any. */
function differingField(existing: Booking, request: IntakeRequest): string | null {
  const { input } = request
  if (existing.startAt.getTime() !== request.startAt.getTime()) return 'startAt'
  if (existing.partySize !== input.partySize) return 'partySize'
  if (existing.zoneId !== request.zoneId) return 'zone'
  if (existing.guestName !== input.guest.name) return 'guest name'
  if (existing.guestEmail !== input.guest.email) return 'guest email'
  if ((existing.guestPhone ?? null) !== (input.guest.phone ?? null)) return 'guest phone'
  return null
}

const validation = (message: string, path: string[], code = 'VALIDATION_FAILED') =>
  new AppError(code, message, 400, [{ code: 'custom', path, message }])

export function createBookingService(
  deps: AssignmentDeps & {
    jobs: JobQueue
    jobExpireInSeconds: number
    directory: RestaurantDirectory
    /** a job was made due now: workers in this process may poll at once */
    onJobDue?: () => void
  },
) {
  const db: Database = deps.db
  const directory = deps.directory
  // intake requests in flight (the engine hands the count to the assignment deps): shadow work
  // waits while there are any, V3's inline runs and re-seating shed while there are many
  let intakeInFlight = 0

  async function present(rows: Booking[]): Promise<ApiBooking[]> {
    const entries = new Map<string, Awaited<ReturnType<RestaurantDirectory['byId']>>>()
    for (const id of new Set(rows.map((row) => row.restaurantId))) entries.set(id, await directory.byId(id))
    return presentBookings(db, rows, {
      slugByRestaurantId: (id) => entries.get(id)?.restaurant.slug ?? id,
      zoneKeyById: (zoneId) => {
        for (const entry of entries.values()) {
          const key = entry?.zoneKeyById.get(zoneId)
          if (key) return key
        }
        return null
      },
    })
  }

  async function presentOne(row: Booking): Promise<ApiBooking> {
    const [presented] = await present([row])
    return presented!
  }

  /** The fields of a booking this process just inserted; the caller fills in what changed since. */
  function presentKnown(row: Booking, zoneKeyById: Map<string, string>, slug: string): ApiBooking {
    return {
      id: row.id,
      reference: row.reference,
      restaurant: slug,
      status: row.status,
      assignmentState: row.assignmentState,
      partySize: row.partySize,
      startAt: row.startAt.toISOString(),
      endAt: row.endAt.toISOString(),
      tables: [],
      attempts: 0,
      emails: [],
      guest: { name: row.guestName, email: row.guestEmail, phone: row.guestPhone },
      zone: row.zoneId ? (zoneKeyById.get(row.zoneId) ?? null) : null,
      manualReviewReason: row.manualReviewReason,
      autoAssignLastResult: row.autoAssignLastResult,
      createdAt: row.createdAt.toISOString(),
    }
  }

  function replayAnswer(booking: Booking, apiBooking: ApiBooking): CreateBookingAnswer {
    const last = booking.autoAssignLastResult
    const outcome: AutoAssignAnswer['outcome'] =
      booking.status === 'confirmed' ? 'confirmed' : last?.reason === 'TIMEOUT' ? 'timeout' : 'queued'
    return {
      status: 200,
      booking: apiBooking,
      autoAssign: { outcome, ...(last?.reason ? { reason: last.reason } : {}), durationMs: last?.durationMs ?? 0 },
    }
  }

  /** the first request's inline attempt is over: it confirmed, or wrote its result, or moved the booking */
  const intakeSettled = (booking: Booking) =>
    booking.status !== 'pending_allocation' ||
    booking.autoAssignLastResult !== null ||
    booking.assignmentState !== 'created'

  /**
   * The booking as the first request with this key will answer it. A replay that arrives while
   * that request is still in its inline attempt waits for it (up to the inline deadline and a
   * margin, counted from the booking's creation), so both answer the same outcome. A booking whose
   * intake died before finishing is answered as it stands; its job seats it.
   */
  async function settledBooking(booking: Booking): Promise<Booking> {
    const timeoutMs = await deps.flags.number('inline_auto_assign.timeout_ms', {
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
    })
    const waitUntil = booking.createdAt.getTime() + timeoutMs + REPLAY_WAIT_MARGIN_MS
    let current = booking
    while (!intakeSettled(current) && Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS))
      current = (await findBookingById(db, booking.id)) ?? current
    }
    return current
  }

  async function replay(request: IntakeRequest, key: string): Promise<CreateBookingAnswer | undefined> {
    const existing = await findBookingByIdempotencyKey(db, request.restaurant.id, key)
    if (!existing) return undefined
    const differs = differingField(existing, request)
    if (differs) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        `idempotencyKey "${key}" was already used for booking ${existing.reference} with another ${differs}; use a new key`,
        409,
      )
    }
    const settled = await settledBooking(existing)
    return replayAnswer(settled, await presentOne(settled))
  }

  /** Checks the request and resolves its restaurant and zone; every problem is a 4xx. */
  async function parseIntake(body: unknown): Promise<IntakeRequest> {
    const parsed = createBookingSchema.safeParse(body)
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', 'The booking is not valid; see issues', 400, parsed.error.issues)
    const input = parsed.data
    const entry = await directory.bySlug(input.restaurant)
    if (!entry) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${input.restaurant}"`, 404)
    const restaurant = entry.restaurant
    const now = deps.now()
    const startAt = new Date(input.startAt)
    if (startAt.getTime() <= now.getTime()) throw validation('startAt must be in the future', ['startAt'])
    let zoneId: string | null = null
    if (input.zone) {
      const found = entry.zoneIdByKey.get(input.zone)
      if (!found) throw validation(`zone "${input.zone}" does not exist at ${restaurant.slug}`, ['zone'])
      zoneId = found
    }
    if (!withinServiceHours(restaurant.servicePeriods, startAt, restaurant.timezone)) {
      const local = localClock(startAt, restaurant.timezone)
      throw validation(
        `${restaurant.name} does not seat at ${local.label} (${restaurant.timezone}) on that day; service periods: ${restaurant.servicePeriods
          .map((period) => `${period.name} ${period.opens}-${period.closes}`)
          .join(', ')}`,
        ['startAt'],
        'OUTSIDE_SERVICE_HOURS',
      )
    }
    return { input, entry, restaurant, startAt, zoneId, now }
  }

  /**
   * The booking and its first job in one transaction: a booking that exists has a job, whatever
   * dies when. The job is due after the inline deadline (plus a margin), so it never works on the
   * booking while the inline attempt does; intake makes it due at once when that attempt fails.
   */
  async function insertWithFirstJob(request: IntakeRequest) {
    const { input, restaurant, startAt, zoneId, now } = request
    const window = blockWindow(restaurant, startAt, input.partySize, input.durationMinutes)
    const inlineTimeoutMs = await deps.flags.number('inline_auto_assign.timeout_ms', { restaurantId: restaurant.id })
    return db.transaction(async (tx) => {
      // one statement: creation is not a state transition, so no history row is written for it;
      // the first quote's availability comes back with it
      const created = await insertBookingWithAvailability(
        tx,
        {
          reference: newReference(),
          restaurantId: restaurant.id,
          partySize: input.partySize,
          startAt: window.start,
          endAt: window.end,
          guestName: input.guest.name,
          guestEmail: input.guest.email,
          guestPhone: input.guest.phone ?? null,
          zoneId,
          idempotencyKey: input.idempotencyKey ?? null,
        },
        now,
      )
      if (!created) return undefined
      const jobId = await enqueueAutoAssign(
        deps.jobs,
        sqlExecutorOf(tx),
        { bookingId: created.booking.id, inline: null },
        {
          expireInSeconds: deps.jobExpireInSeconds,
          startAfter: new Date(Date.now() + inlineTimeoutMs + FIRST_JOB_MARGIN_MS),
        },
      )
      return { ...created, jobId }
    })
  }

  /**
   * The inline attempt, which may fail in ways of its own (the database refusing the result write,
   * say): the booking and its job are committed already, so such a failure answers "queued" and
   * the job seats the booking.
   */
  async function inlineAttempt(booking: Booking, availability: Availability): Promise<InlineOutcome | null> {
    try {
      const pipeline = await selectPipeline(deps.flags, booking)
      return await inlineAutoAssign(deps, booking, { queueOnFailure: true, availability, pipeline })
    } catch (error) {
      deps.events.record({
        type: 'inline_auto_assign.error',
        source: 'inline',
        severity: 'error',
        restaurantId: booking.restaurantId,
        bookingId: booking.id,
        context: { error: (error as Error).message },
      })
      return null
    }
  }

  /** The inline attempt did not seat the booking: its job should start now rather than at the deadline. */
  async function startJobNow(bookingId: string, jobId: string | null) {
    if (!jobId) return
    try {
      if (await makeJobDueNow(sqlExecutorOf(db), AUTO_ASSIGN_QUEUE, jobId)) deps.onJobDue?.()
    } catch (error) {
      // the job still starts at its deadline; nothing is lost, only a second or two
      console.error(
        `[bookings] job ${jobId} of booking ${bookingId} stays due at the deadline:`,
        (error as Error).message,
      )
    }
  }

  function createdAnswer(
    request: IntakeRequest,
    inserted: Booking,
    inline: InlineOutcome | null,
    started: number,
  ): CreateBookingAnswer {
    const confirmed = inline?.outcome === 'confirmed'
    // the answer is built from what this request just wrote, without reading it back
    const booking: ApiBooking = {
      ...presentKnown(inserted, request.entry.zoneKeyById, request.restaurant.slug),
      status: confirmed ? 'confirmed' : 'pending_allocation',
      assignmentState: confirmed ? 'confirmed' : (inline?.queuedState ?? inserted.assignmentState),
      tables: confirmed ? (inline?.attempt?.tableKeys ?? []) : [],
      attempts: inline ? 1 : 0,
      emails: inline?.lastResult.emailQueued ? [{ kind: 'confirmation', status: 'pending', sentAt: null }] : [],
      autoAssignLastResult: inline?.lastResult ?? null,
    }
    const durationMs = inline?.durationMs ?? performance.now() - started
    return {
      status: 201,
      booking,
      autoAssign: {
        outcome: inline?.outcome ?? 'queued',
        ...(inline?.reason ? { reason: inline.reason } : {}),
        durationMs: Math.round(durationMs * 1000) / 1000,
      },
    }
  }

  /**
   * In the cancel's transaction: when the confirmation went out, or may be going out right now
   * (claimed by the outbox), the guest is told. An unsent confirmation is skipped by the outbox
   * instead (it re-checks the booking), and so is this email if that confirmation never went out.
   */
  async function queueCancellationEmail(tx: Transaction, booking: Booking): Promise<void> {
    const confirmation = await findEmailOfKind(tx, booking.id, CONFIRMATION_KIND, { forUpdate: true })
    if (!confirmation || !confirmationMayHaveGoneOut(confirmation)) return
    // through the transaction: on PGlite a second connection does not exist, and a query outside
    // the transaction would wait for it forever
    const [restaurant] = await tx
      .select({ name: restaurants.name, timezone: restaurants.timezone })
      .from(restaurants)
      .where(eq(restaurants.id, booking.restaurantId))
    await enqueueEmail(tx, {
      bookingId: booking.id,
      ...buildCancellationEmail({
        reference: booking.reference,
        guestName: booking.guestName,
        guestEmail: booking.guestEmail,
        restaurantName: restaurant?.name ?? 'the restaurant',
        timezone: restaurant?.timezone ?? 'UTC',
        startAt: booking.startAt,
        partySize: booking.partySize,
      }),
    })
    deps.onEmailQueued?.()
  }

  async function createBooking(body: unknown): Promise<CreateBookingAnswer> {
    const started = performance.now()
    const request = await parseIntake(body)
    const key = request.input.idempotencyKey
    if (key) {
      const replayed = await replay(request, key)
      if (replayed) return replayed
    }
    const created = await insertWithFirstJob(request)
    if (!created) {
      // a concurrent request with the same key won the insert
      const replayed = await replay(request, key!)
      if (replayed) return replayed
      throw new AppError('CONFLICT', 'The booking could not be written; try again', 409)
    }
    const inserted = created.booking
    deps.events.record({
      type: 'booking.created',
      source: 'api',
      restaurantId: request.restaurant.id,
      bookingId: inserted.id,
      context: {
        party_size: inserted.partySize,
        start_at: inserted.startAt.toISOString(),
        zone: request.input.zone ?? null,
      },
    })
    const inline = await inlineAttempt(inserted, created.availability)
    if (inline?.outcome !== 'confirmed') await startJobNow(inserted.id, created.jobId)
    return createdAnswer(request, inserted, inline, started)
  }

  async function create(body: unknown): Promise<CreateBookingAnswer> {
    intakeInFlight++
    try {
      return await createBooking(body)
    } finally {
      intakeInFlight--
    }
  }
  return {
    /** Intake: check, replay a known key, write the booking with its job, try to seat it inline. */
    create,
    /** how many intake requests are being answered right now */
    intakeInFlight: () => intakeInFlight,

    async get(id: string): Promise<ApiBooking> {
      if (!uuidSchema.safeParse(id).success) throw notFound(`Booking ${id}`)
      const row = await findBookingById(db, id)
      if (!row) throw notFound(`Booking ${id}`)
      return presentOne(row)
    },

    /** One page of bookings by start time, with how many matched in all and where the next page starts. */
    async list(query: unknown): Promise<BookingPage> {
      const parsed = listBookingsSchema.safeParse(query)
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', 'The query is not valid; see issues', 400, parsed.error.issues)
      const { restaurant, limit, cursor } = parsed.data
      let restaurantId: string | undefined
      if (restaurant) {
        const entry = await directory.bySlug(restaurant)
        if (!entry) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${restaurant}"`, 404)
        restaurantId = entry.restaurant.id
      }
      const filter: BookingListFilter = {
        restaurantId,
        status: parsed.data.status,
        assignmentState: parsed.data.assignmentState,
        from: parsed.data.from ? new Date(parsed.data.from) : undefined,
        to: parsed.data.to ? new Date(parsed.data.to) : undefined,
      }
      const after = cursor ? decodeBookingCursor(cursor) : undefined
      const [rows, total] = await Promise.all([
        listBookingsAfter(db, { ...filter, after, limit: limit + 1 }),
        countBookingsMatching(db, filter),
      ])
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      return {
        bookings: await present(page),
        total,
        nextCursor: rows.length > limit && last ? encodeBookingCursor(last) : null,
      }
    },

    /**
     * Cancels and frees the tables at once. Cancelling twice is harmless and records one
     * booking.cancelled: the row lock orders concurrent cancels and only the first changes it.
     * A guest who may already hold a confirmation gets a cancellation email.
     */
    async cancel(id: string, actor = 'api'): Promise<ApiBooking> {
      if (!uuidSchema.safeParse(id).success) throw notFound(`Booking ${id}`)
      const now = deps.now()
      const { row, changed } = await db.transaction(async (tx) => {
        const [current] = await tx.select().from(bookings).where(eq(bookings.id, id)).for('update')
        if (!current) throw notFound(`Booking ${id}`)
        if (current.status === 'cancelled') return { row: current, changed: false }
        const cancelled = await transitionBooking(tx, {
          bookingId: id,
          from: [current.assignmentState],
          to: 'cancelled',
          reason: 'cancelled',
          actor,
          set: { status: 'cancelled', cancelledAt: now },
          events: deps.events,
        })
        const released = await releaseBookingAllocations(tx, id, now)
        if (released > 0) await bumpAvailabilityVersion(tx, current.restaurantId)
        await queueCancellationEmail(tx, current)
        return { row: cancelled ?? current, changed: cancelled !== null }
      })
      if (changed) {
        deps.events.record({
          type: 'booking.cancelled',
          source: 'api',
          restaurantId: row.restaurantId,
          bookingId: id,
          context: { actor },
        })
      }
      return presentOne(row)
    },
  }
}

export type BookingService = ReturnType<typeof createBookingService>
