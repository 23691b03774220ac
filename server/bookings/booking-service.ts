import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { bookings, type Booking } from '../db/schema/bookings.ts'
import type { Restaurant } from '../db/schema/restaurants.ts'
import {
  countBookingsMatching,
  findBookingById,
  findBookingByIdempotencyKey,
  insertBookingWithAvailability,
  listBookingsAfter,
  type BookingListFilter,
} from '../db/queries/bookings.ts'
import { bumpAvailabilityVersion } from '../db/queries/restaurants.ts'
import type { RestaurantDirectory } from '../restaurants/restaurant-directory.ts'
import { AppError, notFound } from '../errors.ts'
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { inlineAutoAssign } from '../assignment/inline.ts'
import { enqueueAutoAssign } from '../assignment/auto-assign-job.ts'
import { transitionBooking } from '../assignment/booking-state.ts'
import { releaseBookingAllocations } from '../assignment/holds.ts'
import type { JobQueue } from '../jobs/queue.ts'
import { blockWindow, localClock, withinServiceHours } from './block-window.ts'
import { createBookingSchema, listBookingsSchema } from './booking-schema.ts'
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

const validation = (message: string, path: string[], code = 'VALIDATION_FAILED') =>
  new AppError(code, message, 400, [{ code: 'custom', path, message }])

export function createBookingService(
  deps: AssignmentDeps & { jobs: JobQueue; jobExpireInSeconds: number; directory: RestaurantDirectory },
) {
  const db: Database = deps.db
  const directory = deps.directory

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

  async function replay(restaurant: Restaurant, key: string, startAt: Date, partySize: number) {
    const existing = await findBookingByIdempotencyKey(db, restaurant.id, key)
    if (!existing) return undefined
    if (existing.startAt.getTime() !== startAt.getTime() || existing.partySize !== partySize) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        `idempotencyKey "${key}" was already used for booking ${existing.reference} with other details; use a new key`,
        409,
      )
    }
    return replayAnswer(existing, await presentOne(existing))
  }

  return {
    async create(body: unknown): Promise<CreateBookingAnswer> {
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
      if (input.idempotencyKey) {
        const replayed = await replay(restaurant, input.idempotencyKey, startAt, input.partySize)
        if (replayed) return replayed
      }

      const window = blockWindow(restaurant, startAt, input.partySize, input.durationMinutes)
      // one statement: creation is not a state transition, so no history row is written for it; the
      // first quote's availability comes back with it
      const created = await insertBookingWithAvailability(
        db,
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
      const inserted = created?.booking
      if (!inserted) {
        // a concurrent request with the same key won the insert
        const replayed = await replay(restaurant, input.idempotencyKey!, startAt, input.partySize)
        if (replayed) return replayed
        throw new AppError('CONFLICT', 'The booking could not be written; try again', 409)
      }
      deps.events.record({
        type: 'booking.created',
        source: 'api',
        restaurantId: restaurant.id,
        bookingId: inserted.id,
        context: { party_size: inserted.partySize, start_at: inserted.startAt.toISOString(), zone: input.zone ?? null },
      })

      const inline = await inlineAutoAssign(deps, inserted, {
        queueOnFailure: true,
        availability: created.availability,
      })
      const confirmed = inline.outcome === 'confirmed'
      if (!confirmed) {
        try {
          await enqueueAutoAssign(
            deps.jobs,
            { bookingId: inserted.id, inline: inline.lastResult },
            deps.jobExpireInSeconds,
          )
        } catch (error) {
          // the booking stays pending and visible to ops through this event; a retry needs a person
          deps.events.record({
            type: 'auto_assign.enqueue_failed',
            source: 'api',
            severity: 'error',
            restaurantId: restaurant.id,
            bookingId: inserted.id,
            context: { error: (error as Error).message },
          })
        }
      }
      // the answer is built from what this request just wrote, without reading it back
      const booking: ApiBooking = {
        ...(await presentKnown(inserted, entry.zoneKeyById, restaurant.slug)),
        status: confirmed ? 'confirmed' : 'pending_allocation',
        assignmentState: confirmed ? 'confirmed' : (inline.queuedState ?? 'assignment_pending'),
        tables: confirmed ? (inline.attempt?.tableKeys ?? []) : [],
        attempts: 1,
        emails: inline.lastResult.emailQueued ? [{ kind: 'confirmation', status: 'pending', sentAt: null }] : [],
        autoAssignLastResult: inline.lastResult,
      }
      return {
        status: 201,
        booking,
        autoAssign: {
          outcome: inline.outcome,
          ...(inline.reason ? { reason: inline.reason } : {}),
          durationMs: Math.round(inline.durationMs * 1000) / 1000,
        },
      }
    },

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

    /** Cancels and frees the tables at once; cancelling twice is harmless. */
    async cancel(id: string, actor = 'api'): Promise<ApiBooking> {
      if (!uuidSchema.safeParse(id).success) throw notFound(`Booking ${id}`)
      const now = deps.now()
      const row = await db.transaction(async (tx) => {
        const [current] = await tx.select().from(bookings).where(eq(bookings.id, id)).for('update')
        if (!current) throw notFound(`Booking ${id}`)
        if (current.status === 'cancelled') return current
        const cancelled = await transitionBooking(tx, {
          bookingId: id,
          from: [current.assignmentState],
          to: 'cancelled',
          reason: 'cancelled',
          actor,
          set: { status: 'cancelled', cancelledAt: now },
        })
        const released = await releaseBookingAllocations(tx, id, now)
        if (released > 0) await bumpAvailabilityVersion(tx, current.restaurantId)
        return cancelled ?? current
      })
      deps.events.record({
        type: 'booking.cancelled',
        source: 'api',
        restaurantId: row.restaurantId,
        bookingId: id,
        context: { actor },
      })
      return presentOne(row)
    },
  }
}

export type BookingService = ReturnType<typeof createBookingService>
