import { sql } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import type { AutoAssignResult } from '../db/schema/bookings.ts'
import { sqlState } from '../errors.ts'
import { buildConfirmationEmail } from '../notify/confirmation-email.ts'

export type ConfirmResult =
  | { ok: true; emailQueued: boolean; stateVersion: number }
  | { ok: false; reason: 'HOLD_EXPIRED' | 'BOOKING_NOT_PENDING' }

/** SQLSTATE raised by maitre_confirm_hold when part of the hold expired */
const HOLD_EXPIRED_STATE = 'MT001'

export interface ConfirmInput {
  booking: {
    id: string
    reference: string
    guestName: string
    guestEmail: string
    startAt: Date
    partySize: number
  }
  restaurant: { name: string; timezone: string }
  holdId: string
  tableCount: number
  tableKeys: string[]
  lastResult: Omit<AutoAssignResult, 'emailQueued'>
  actor: string
  now: Date
}

/**
 * One transaction (the maitre_confirm_hold function): the hold becomes assignments, the booking
 * becomes confirmed, its history is written and the confirmation email queued (unique per booking
 * and kind). The booking row is locked and must still be open, so when inline and job race only
 * one of them confirms.
 */
export async function confirmHold(db: Executor, input: ConfirmInput): Promise<ConfirmResult> {
  const email = buildConfirmationEmail({
    reference: input.booking.reference,
    guestName: input.booking.guestName,
    guestEmail: input.booking.guestEmail,
    restaurantName: input.restaurant.name,
    timezone: input.restaurant.timezone,
    startAt: input.booking.startAt,
    partySize: input.booking.partySize,
    tableKeys: input.tableKeys,
  })
  try {
    const result = await db.execute(sql`
      select outcome, email_queued, state_version from maitre_confirm_hold(
        ${input.holdId}::uuid, ${input.booking.id}::uuid, ${input.tableCount}::int, ${input.now.toISOString()}::timestamptz,
        ${JSON.stringify(input.lastResult)}::jsonb, ${input.actor},
        ${email.kind}, ${email.recipient}, ${email.subject}, ${email.body}
      )`)
    const [row] = (result as unknown as { rows: Array<{ outcome: string; email_queued: boolean; state_version: number | null }> }).rows
    if (!row || row.outcome === 'BOOKING_NOT_PENDING') return { ok: false, reason: 'BOOKING_NOT_PENDING' }
    return { ok: true, emailQueued: row.email_queued, stateVersion: Number(row.state_version) }
  } catch (error) {
    if (sqlState(error) === HOLD_EXPIRED_STATE) return { ok: false, reason: 'HOLD_EXPIRED' }
    throw error
  }
}
