import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import { assignmentStateHistory } from '../db/schema/assignment.ts'
import { bookings, type AssignmentState, type Booking, type NewBooking } from '../db/schema/bookings.ts'

export interface TransitionRequest {
  bookingId: string
  /** only move when the booking is in one of these states */
  from: AssignmentState[]
  to: AssignmentState
  reason?: string | null
  actor: string
  /** other columns to set in the same update */
  set?: Partial<
    Pick<NewBooking, 'status' | 'confirmedAt' | 'cancelledAt' | 'manualReviewReason' | 'autoAssignLastResult'>
  >
  /** require this version (optimistic lock); omit to accept any */
  expectedVersion?: number
}

/**
 * Moves a booking's assignment state with its version bumped and a history row written, or does
 * nothing and returns null when the booking is not in an allowed state (someone else moved it).
 */
export async function transitionBooking(db: Executor, request: TransitionRequest): Promise<Booking | null> {
  const conditions = [eq(bookings.id, request.bookingId), inArray(bookings.assignmentState, request.from)]
  if (request.expectedVersion !== undefined) {
    conditions.push(eq(bookings.assignmentStateVersion, request.expectedVersion))
  }
  const [previous] = await db
    .select({ state: bookings.assignmentState })
    .from(bookings)
    .where(eq(bookings.id, request.bookingId))
    .for('update')
  const [updated] = await db
    .update(bookings)
    .set({
      ...request.set,
      assignmentState: request.to,
      assignmentStateVersion: sql`${bookings.assignmentStateVersion} + 1`,
      updatedAt: new Date(),
    })
    .where(and(...conditions))
    .returning()
  if (!updated) return null
  await db.insert(assignmentStateHistory).values({
    bookingId: request.bookingId,
    fromState: previous?.state ?? null,
    toState: request.to,
    version: updated.assignmentStateVersion,
    reason: request.reason ?? null,
    actor: request.actor,
  })
  return updated
}

export const OPEN_STATES: AssignmentState[] = [
  'created',
  'capacity_verified',
  'assignment_pending',
  'assignment_in_progress',
  'assigned',
]
