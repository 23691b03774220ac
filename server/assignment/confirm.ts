import crypto from 'node:crypto'
import type { Executor } from '../db/client.ts'
import { seatV3Row } from '../db/queries/assignment-v3.ts'
import { confirmationParams } from '../db/queries/confirmation-params.ts'
import { runPrepared, type PreparedStatement } from '../db/prepared.ts'
import type { AutoAssignResult } from '../db/schema/bookings.ts'
import { AppError, sqlState } from '../errors.ts'
import { confirmationEmailFor } from '../notify/confirmation-email.ts'
import { OPEN_STATES, statesInto } from './state-machine.ts'
import type { AssignmentState } from './vocabulary.ts'

export type ConfirmResult =
  | { ok: true; emailQueued: boolean; stateVersion: number; fromState: AssignmentState }
  | { ok: false; reason: 'HOLD_EXPIRED' | 'BOOKING_NOT_PENDING' }
  | { ok: false; reason: 'VERSION_CONFLICT'; stateVersion: number; state: AssignmentState }

/** SQLSTATE raised by maitre_confirm_hold when part of the hold expired */
const HOLD_EXPIRED_STATE = 'MT001'

const confirmHoldStatement: PreparedStatement = {
  name: 'maitre_confirm_hold_v4',
  text: `select outcome, email_queued, state_version, from_state
           from maitre_confirm_hold($1::uuid, $2::uuid, $3::int, $4::timestamptz, $5::jsonb, $6, $7, $8, $9, $10,
                                    $11::uuid, $12::int, $13, $14::jsonb, $15, $16::timestamptz, $17::real, $18::jsonb,
                                    $19::text[], $20::int)`,
}

/** The states an automatic pipeline confirms from: open, and allowed into confirmed by the table. */
export const PIPELINE_CONFIRM_FROM: readonly AssignmentState[] = statesInto('confirmed', OPEN_STATES)

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
  /**
   * the states the booking may be confirmed from (the state machine's table, narrowed by the
   * caller): PIPELINE_CONFIRM_FROM by default; V3 passes ['assigned'], staff ['manual_review', 'failed']
   */
  fromStates?: readonly AssignmentState[]
  /** the assignment state version the caller saw (staff actions); another one answers VERSION_CONFLICT */
  expectedVersion?: number
  /** the attempt's row, written by the same transaction when it confirms */
  attempt: {
    id: string
    number: number
    pipeline: string
    strategy: Record<string, unknown>
    trigger: string
    startedAt: Date
    /** measured up to this call; the function adds its own time */
    elapsedMs: number
    plan: { tableIds: string[]; tableKeys: string[] }
  }
}

/**
 * One transaction (the maitre_confirm_hold function): the hold becomes assignments, the booking
 * becomes confirmed, its history is written and the confirmation email queued (unique per booking
 * and kind). The booking row is locked and must still be open, so when inline and job race only
 * one of them confirms. A confirmed attempt's row is written in the same transaction; on any other
 * outcome the caller records the attempt.
 */
export async function confirmHold(db: Executor, input: ConfirmInput): Promise<ConfirmResult> {
  const email = confirmationEmailFor(input.booking, input.restaurant, input.tableKeys)
  const fromStates = input.fromStates ?? PIPELINE_CONFIRM_FROM
  // the table is the authority: a caller cannot widen it
  const allowed = fromStates.filter((state) => statesInto('confirmed').includes(state))
  try {
    const [row] = await runPrepared<{
      outcome: string
      email_queued: boolean
      state_version: number | null
      from_state: string | null
    }>(db, confirmHoldStatement, [
      input.holdId,
      input.booking.id,
      input.tableCount,
      input.now.toISOString(),
      JSON.stringify(input.lastResult),
      input.actor,
      ...confirmationParams(email, input.attempt),
      `{${allowed.join(',')}}`,
      input.expectedVersion ?? null,
    ])
    if (row?.outcome === 'VERSION_CONFLICT')
      return {
        ok: false,
        reason: 'VERSION_CONFLICT',
        stateVersion: Number(row.state_version),
        state: row.from_state as AssignmentState,
      }
    if (!row || row.outcome === 'BOOKING_NOT_PENDING') return { ok: false, reason: 'BOOKING_NOT_PENDING' }
    return {
      ok: true,
      emailQueued: row.email_queued,
      stateVersion: Number(row.state_version),
      fromState: row.from_state as AssignmentState,
    }
  } catch (error) {
    if (sqlState(error) === HOLD_EXPIRED_STATE) return { ok: false, reason: 'HOLD_EXPIRED' }
    throw error
  }
}

export type SeatResult =
  | (Extract<ConfirmResult, { ok: true }> & {
      /** the state before the seat: the move into `via` started here, at version assignedVersion - 1 */
      seatedFrom: AssignmentState
      assignedVersion: number
    })
  | { ok: false; reason: 'HOLD_CONFLICT' | 'HOLD_EXPIRED' | 'BOOKING_NOT_PENDING' | 'VERSION_CONFLICT' }

/**
 * V3's hold, move into `via` and confirm as one statement (maitre_v3_seat): one round trip instead
 * of three, and no hold is ever left half-done between them. `fromStates` are the states the
 * machine lets into `via` (the caller narrows them); the confirm moves from `via`, as the table
 * allows. On every outcome but confirmed nothing was written.
 */
export async function seatThrough(
  db: Executor,
  input: Omit<ConfirmInput, 'holdId' | 'fromStates' | 'expectedVersion'> & {
    restaurantId: string
    tableIds: string[]
    window: { start: Date; end: Date }
    holdTtlMs: number
    via: AssignmentState
    fromStates: readonly AssignmentState[]
  },
): Promise<SeatResult> {
  if (!statesInto('confirmed').includes(input.via))
    throw new AppError(
      'INVALID_SEAT_PATH',
      `seatThrough: the state machine does not let ${input.via} into confirmed; seat through a state listed by statesInto('confirmed')`,
      500,
    )
  const email = confirmationEmailFor(input.booking, input.restaurant, input.tableKeys)
  try {
    const row = await seatV3Row(db, {
      restaurantId: input.restaurantId,
      bookingId: input.booking.id,
      holdId: crypto.randomUUID(),
      tableIds: input.tableIds,
      window: input.window,
      expiresAt: new Date(input.now.getTime() + input.holdTtlMs),
      now: input.now,
      fromStates: input.fromStates.filter((state) => statesInto(input.via).includes(state)),
      via: input.via,
      lastResult: input.lastResult,
      actor: input.actor,
      email,
      attempt: input.attempt,
    })
    if (row?.outcome === 'confirmed')
      return {
        ok: true,
        emailQueued: row.email_queued,
        stateVersion: Number(row.state_version),
        fromState: input.via,
        seatedFrom: row.from_state as AssignmentState,
        assignedVersion: Number(row.assigned_version),
      }
    if (row?.outcome === 'HOLD_CONFLICT' || row?.outcome === 'VERSION_CONFLICT')
      return { ok: false, reason: row.outcome }
    return { ok: false, reason: 'BOOKING_NOT_PENDING' }
  } catch (error) {
    if (sqlState(error) === HOLD_EXPIRED_STATE) return { ok: false, reason: 'HOLD_EXPIRED' }
    throw error
  }
}
