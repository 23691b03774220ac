import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { tableAllocations, type AllocationKind } from '../schema/allocations.ts'
import { assignmentAttempts, assignmentStateHistory } from '../schema/assignment.ts'
import { auditLog } from '../schema/auth.ts'
import type { AssignmentState } from '../schema/bookings.ts'
import { reviewNotes } from '../schema/review.ts'

/** The entity type of review rows in audit_log. */
export const BOOKING_ENTITY = 'booking'

export async function listStateHistory(db: Executor, bookingId: string) {
  return db
    .select()
    .from(assignmentStateHistory)
    .where(eq(assignmentStateHistory.bookingId, bookingId))
    .orderBy(asc(assignmentStateHistory.occurredAt), asc(assignmentStateHistory.id))
}

export async function listAttempts(db: Executor, bookingId: string) {
  return db
    .select()
    .from(assignmentAttempts)
    .where(eq(assignmentAttempts.bookingId, bookingId))
    .orderBy(asc(assignmentAttempts.startedAt), asc(assignmentAttempts.attemptNumber))
}

export async function listNotes(db: Executor, bookingId: string) {
  return db.select().from(reviewNotes).where(eq(reviewNotes.bookingId, bookingId)).orderBy(asc(reviewNotes.createdAt))
}

export async function listBookingAudit(db: Executor, bookingId: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, BOOKING_ENTITY), eq(auditLog.entityId, bookingId)))
    .orderBy(asc(auditLog.occurredAt), asc(auditLog.id))
}

/** The latest state change of a booking: who moved it last, to tell a second person what happened. */
export async function latestTransition(db: Executor, bookingId: string) {
  const [row] = await db
    .select()
    .from(assignmentStateHistory)
    .where(eq(assignmentStateHistory.bookingId, bookingId))
    .orderBy(desc(assignmentStateHistory.version), desc(assignmentStateHistory.id))
    .limit(1)
  return row
}

export interface FloorAllocation {
  tableId: string
  bookingId: string | null
  kind: AllocationKind
  start: Date
  end: Date
}

/**
 * Live allocations of a restaurant overlapping [from, to): assignments, and holds still alive at
 * `now`. Unlike the booking path's busy list it keeps the kind, so the floor can say "held".
 */
export async function listFloorAllocations(
  db: Executor,
  restaurantId: string,
  window: { from: Date; to: Date },
  now: Date,
): Promise<FloorAllocation[]> {
  const rows = await db
    .select({
      tableId: tableAllocations.tableId,
      bookingId: tableAllocations.bookingId,
      kind: tableAllocations.kind,
      window: tableAllocations.window,
    })
    .from(tableAllocations)
    .where(
      and(
        eq(tableAllocations.restaurantId, restaurantId),
        isNull(tableAllocations.releasedAt),
        sql`${tableAllocations.window} && tstzrange(${window.from.toISOString()}::timestamptz, ${window.to.toISOString()}::timestamptz, '[)')`,
        sql`(${tableAllocations.kind} = 'assignment' or ${tableAllocations.holdExpiresAt} > ${now.toISOString()}::timestamptz)`,
      ),
    )
  return rows.map((row) => ({
    tableId: row.tableId,
    bookingId: row.bookingId,
    kind: row.kind,
    start: row.window.start,
    end: row.window.end,
  }))
}

/** When the booking last entered one of `states` (its review wait began), or null. */
export async function lastEnteredAt(db: Executor, bookingId: string, states: readonly AssignmentState[]) {
  const [row] = await db
    .select({ at: assignmentStateHistory.occurredAt })
    .from(assignmentStateHistory)
    .where(and(eq(assignmentStateHistory.bookingId, bookingId), inArray(assignmentStateHistory.toState, [...states])))
    .orderBy(desc(assignmentStateHistory.version), desc(assignmentStateHistory.id))
    .limit(1)
  return row?.at ?? null
}
