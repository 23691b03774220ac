import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { tableAllocations } from '../schema/allocations.ts'
import { assignmentAttempts } from '../schema/assignment.ts'
import { auditLog } from '../schema/auth.ts'
import { bookings, type Booking } from '../schema/bookings.ts'
import { diningTables } from '../schema/restaurants.ts'
import { reviewNotes } from '../schema/review.ts'
import { BOOKING_ENTITY } from './review-detail.ts'

/**
 * Locks the booking's row for the rest of the transaction: two people acting on one booking
 * queue here, and the second one reads what the first one wrote.
 */
export async function lockBooking(tx: Executor, bookingId: string): Promise<Booking | undefined> {
  const [row] = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).for('update')
  return row
}

/** The restaurant's tables with these keys (missing keys are simply absent from the answer). */
export async function findTablesByKeys(tx: Executor, restaurantId: string, keys: string[]) {
  if (keys.length === 0) return []
  return tx
    .select()
    .from(diningTables)
    .where(and(eq(diningTables.restaurantId, restaurantId), inArray(diningTables.key, keys)))
}

export interface AssignTablesInput {
  restaurantId: string
  bookingId: string
  tableIds: string[]
  window: { start: Date; end: Date }
  now: Date
}

/**
 * Writes the booking's assignments directly (a person chose the tables: there is no hold to
 * confirm). Expired holds overlapping the window on those tables are released first, as the
 * hold function does. The exclusion constraint decides: ON CONFLICT DO NOTHING turns a taken
 * table into a missing row instead of an error that could deadlock two colliding inserts (see
 * migration 0003), so the caller compares the count and rolls back when any table was taken.
 * Returns how many rows were written.
 */
export async function insertAssignments(tx: Executor, input: AssignTablesInput): Promise<number> {
  const range = sql`tstzrange(${input.window.start.toISOString()}::timestamptz, ${input.window.end.toISOString()}::timestamptz, '[)')`
  await tx
    .update(tableAllocations)
    .set({ releasedAt: input.now })
    .where(
      and(
        inArray(tableAllocations.tableId, input.tableIds),
        isNull(tableAllocations.releasedAt),
        eq(tableAllocations.kind, 'hold'),
        sql`${tableAllocations.holdExpiresAt} <= ${input.now.toISOString()}::timestamptz`,
        sql`${tableAllocations.window} && ${range}`,
      ),
    )
  const rows = await tx
    .insert(tableAllocations)
    .values(
      input.tableIds.map((tableId) => ({
        restaurantId: input.restaurantId,
        tableId,
        bookingId: input.bookingId,
        kind: 'assignment' as const,
        window: input.window,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: tableAllocations.id })
  return rows.length
}

/** The tables among `tableIds` that a live allocation (not `exceptBookingId`'s) holds in the window. */
export async function takenTableIds(
  tx: Executor,
  tableIds: string[],
  window: { start: Date; end: Date },
  now: Date,
  exceptBookingId?: string,
) {
  if (tableIds.length === 0) return []
  const rows = await tx
    .selectDistinct({ tableId: tableAllocations.tableId })
    .from(tableAllocations)
    .where(
      and(
        inArray(tableAllocations.tableId, tableIds),
        isNull(tableAllocations.releasedAt),
        sql`${tableAllocations.window} && tstzrange(${window.start.toISOString()}::timestamptz, ${window.end.toISOString()}::timestamptz, '[)')`,
        sql`(${tableAllocations.kind} = 'assignment' or ${tableAllocations.holdExpiresAt} > ${now.toISOString()}::timestamptz)`,
        exceptBookingId ? sql`${tableAllocations.bookingId} is distinct from ${exceptBookingId}::uuid` : undefined,
      ),
    )
  return rows.map((row) => row.tableId)
}

/** Moves the booking's block window (a move keeps the block's length). */
export async function updateBookingWindow(tx: Executor, bookingId: string, window: { start: Date; end: Date }) {
  await tx.update(bookings).set({ startAt: window.start, endAt: window.end }).where(eq(bookings.id, bookingId))
}

export interface ManualAttemptInput {
  bookingId: string
  outcome: 'confirmed' | 'failed'
  reasonCode: string | null
  startedAt: Date
  durationMs: number
  plan: { tableIds: string[]; tableKeys: string[] } | null
  strategy: Record<string, unknown>
}

/**
 * A person's seat counts as an attempt (trigger and pipeline 'manual'), so the booking's history
 * and the attempts dashboards show how it was finally seated. The number continues the booking's.
 */
export async function insertManualAttempt(tx: Executor, input: ManualAttemptInput): Promise<void> {
  await tx.insert(assignmentAttempts).values({
    bookingId: input.bookingId,
    attemptNumber: sql`(select coalesce(max(${assignmentAttempts.attemptNumber}), 0) + 1 from ${assignmentAttempts} where ${assignmentAttempts.bookingId} = ${input.bookingId})`,
    pipeline: 'manual',
    strategy: input.strategy,
    trigger: 'manual',
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    outcome: input.outcome,
    reasonCode: input.reasonCode,
    plan: input.plan,
  })
}

export interface AuditInput {
  actorUserId: string | null
  actor: string
  action: string
  bookingId: string
  details: Record<string, unknown>
  at: Date
}

/** One audit_log row per review action, in the action's transaction: audited if and only if done. */
export async function insertAuditEntry(tx: Executor, input: AuditInput): Promise<void> {
  await tx.insert(auditLog).values({
    actorUserId: input.actorUserId,
    actor: input.actor,
    action: input.action,
    entityType: BOOKING_ENTITY,
    entityId: input.bookingId,
    details: input.details,
    occurredAt: input.at,
  })
}

export async function insertNote(
  tx: Executor,
  input: { bookingId: string; authorUserId: string | null; author: string; body: string; at: Date },
) {
  const [row] = await tx
    .insert(reviewNotes)
    .values({
      bookingId: input.bookingId,
      authorUserId: input.authorUserId,
      author: input.author,
      body: input.body,
      createdAt: input.at,
    })
    .returning()
  return row!
}
