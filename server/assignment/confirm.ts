import { eq } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import { bookings, type AutoAssignResult, type Booking } from '../db/schema/bookings.ts'
import { restaurants } from '../db/schema/restaurants.ts'
import { bumpAvailabilityVersion } from '../db/queries/restaurants.ts'
import { enqueueConfirmationEmail } from '../notify/confirmation-email.ts'
import { convertHoldToAssignment } from './holds.ts'
import { OPEN_STATES, transitionBooking } from './booking-state.ts'

export type ConfirmResult =
  | { ok: true; booking: Booking; emailQueued: boolean }
  | { ok: false; reason: 'HOLD_EXPIRED' | 'BOOKING_NOT_PENDING' }

class ConfirmAbort extends Error {
  constructor(readonly reason: 'HOLD_EXPIRED' | 'BOOKING_NOT_PENDING') {
    super(reason)
  }
}

/**
 * One transaction: the hold becomes assignments, the booking becomes confirmed, and the
 * confirmation email is queued (unique per booking and kind). The status check in the update makes
 * inline and job race safely: only one of them can move a pending booking to confirmed.
 */
export async function confirmHold(
  db: Executor,
  input: {
    booking: Booking
    holdId: string
    tableCount: number
    tableKeys: string[]
    lastResult: Omit<AutoAssignResult, 'emailQueued'>
    actor: string
    now: Date
  },
): Promise<ConfirmResult> {
  try {
    return await db.transaction(async (tx) => {
      const converted = await convertHoldToAssignment(tx, input.holdId, input.now)
      if (converted !== input.tableCount) throw new ConfirmAbort('HOLD_EXPIRED')
      const [restaurant] = await tx
        .select({ name: restaurants.name, timezone: restaurants.timezone })
        .from(restaurants)
        .where(eq(restaurants.id, input.booking.restaurantId))
      const emailQueued = await enqueueConfirmationEmail(tx, {
        bookingId: input.booking.id,
        reference: input.booking.reference,
        guestName: input.booking.guestName,
        guestEmail: input.booking.guestEmail,
        restaurantName: restaurant?.name ?? 'the restaurant',
        timezone: restaurant?.timezone ?? 'UTC',
        startAt: input.booking.startAt,
        partySize: input.booking.partySize,
        tableKeys: input.tableKeys,
      })
      const confirmed = await transitionBooking(tx, {
        bookingId: input.booking.id,
        from: OPEN_STATES,
        to: 'confirmed',
        actor: input.actor,
        set: {
          status: 'confirmed',
          confirmedAt: input.now,
          autoAssignLastResult: { ...input.lastResult, emailQueued },
        },
      })
      if (!confirmed || confirmed.status !== 'confirmed') throw new ConfirmAbort('BOOKING_NOT_PENDING')
      await bumpAvailabilityVersion(tx, input.booking.restaurantId)
      return { ok: true as const, booking: confirmed, emailQueued }
    })
  } catch (error) {
    if (error instanceof ConfirmAbort) return { ok: false, reason: error.reason }
    throw error
  }
}

/** Reads the status without a lock: a cheap early exit for jobs and retries. */
export async function bookingStatus(db: Executor, bookingId: string) {
  const [row] = await db
    .select({ status: bookings.status, assignmentState: bookings.assignmentState })
    .from(bookings)
    .where(eq(bookings.id, bookingId))
  return row
}
