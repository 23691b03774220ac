import crypto from 'node:crypto'
import type { Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import { DEFAULT_KNOBS } from '../quote.ts'
import { WAITING_STATES } from '../state-machine.ts'
import type { AssignmentState } from '../vocabulary.ts'
import { commitDecision } from './commit.ts'
import { keysOf, type Decision, type PlannedMove } from './decide.ts'
import { loadSnapshot } from './snapshot.ts'

export interface SeatRequest {
  /** the tables staff picked (ids); the caller has checked they can take the party */
  tableIds: string[]
  zoneId: string
  /** the assignment state version the person saw */
  expectedVersion: number
  /** the staff user's id */
  actor: string
  /** where the booking may be seated from; default the waiting states (manual_review, failed) */
  from?: readonly AssignmentState[]
  /** other bookings to move first (a re-seating suggestion): committed with this seat, or not at all */
  moves?: PlannedMove[]
}

export type SeatResult =
  | { ok: true; stateVersion: number; emailQueued: boolean; tableKeys: string[]; attemptId: string }
  | { ok: false; reason: 'TABLES_TAKEN' | 'VERSION_CONFLICT' | 'NOT_WAITING' | 'HOLD_EXPIRED' | 'DB_ERROR' }

/**
 * Seats a booking at tables a person chose, through the pipelines' commit path: hold (the
 * exclusion constraint decides), confirm with the person's version (two people acting at once
 * cannot both win), state transition and `booking.confirmed` events, one confirmation email, an
 * attempt row (trigger `manual`). With moves (a re-seating suggestion) the moves, the hold and the
 * confirm are one transaction (steps/commit.ts), and each move is recorded as `booking.reseated`.
 */
export async function seatAtTables(deps: AssignmentDeps, booking: Booking, request: SeatRequest): Promise<SeatResult> {
  const startedAt = deps.now()
  const started = performance.now()
  const snapshot = await loadSnapshot(deps, booking)
  const capacity = request.tableIds.reduce(
    (sum, id) => sum + (snapshot.floor.tables.find((table) => table.id === id)?.capacity ?? 0),
    0,
  )
  const decision: Decision = {
    bookingId: booking.id,
    restaurantId: booking.restaurantId,
    // staff seats are not a pipeline's work; the attempt row needs one, and legacy is the default path
    pipeline: 'legacy',
    shadow: false,
    trigger: 'manual',
    attemptNumber: 0,
    knobs: DEFAULT_KNOBS,
    plans: [
      {
        tableIds: request.tableIds,
        tableKeys: keysOf(snapshot, request.tableIds),
        zoneId: request.zoneId,
        capacity,
        overage: capacity - booking.partySize,
        score: 0,
        strategy: request.moves?.length ? 'reseat' : 'manual',
        ...(request.moves?.length ? { moves: request.moves } : {}),
      },
    ],
    reason: null,
    cacheHit: false,
    durationMs: 0,
    snapshot,
  }
  const committed = await commitDecision(deps, booking, decision, {
    attemptId: crypto.randomUUID(),
    startedAt,
    started,
    actor: request.actor,
    confirmFrom: request.from ?? WAITING_STATES,
    expectedVersion: request.expectedVersion,
  })
  if (committed.success)
    return {
      ok: true,
      stateVersion: committed.stateVersion!,
      emailQueued: committed.emailQueued,
      tableKeys: committed.tableKeys,
      attemptId: committed.attemptId,
    }
  switch (committed.reason) {
    case 'HOLD_CONFLICT':
      return { ok: false, reason: 'TABLES_TAKEN' }
    case 'VERSION_CONFLICT':
      return { ok: false, reason: 'VERSION_CONFLICT' }
    case 'BOOKING_NOT_PENDING':
      return { ok: false, reason: 'NOT_WAITING' }
    case 'HOLD_EXPIRED':
      return { ok: false, reason: 'HOLD_EXPIRED' }
    default:
      return { ok: false, reason: 'DB_ERROR' }
  }
}
