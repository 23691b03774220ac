import crypto from 'node:crypto'
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import { tableAllocations } from '../db/schema/allocations.ts'
import { bumpAvailabilityVersion } from '../db/queries/restaurants.ts'
import { SQLSTATE, sqlState } from '../errors.ts'

export interface HoldRequest {
  restaurantId: string
  bookingId: string
  tableIds: string[]
  window: { start: Date; end: Date }
  ttlMs: number
  now: Date
}

export type HoldResult = { ok: true; holdId: string; expiresAt: Date } | { ok: false; reason: 'HOLD_CONFLICT' }

/** Releases expired holds on these tables so they stop blocking new allocations. */
export async function sweepExpiredHolds(db: Executor, tableIds: string[], now: Date): Promise<number> {
  if (tableIds.length === 0) return 0
  const released = await db
    .update(tableAllocations)
    .set({ releasedAt: now })
    .where(
      and(
        inArray(tableAllocations.tableId, tableIds),
        eq(tableAllocations.kind, 'hold'),
        isNull(tableAllocations.releasedAt),
        lte(tableAllocations.holdExpiresAt, now),
      ),
    )
    .returning({ id: tableAllocations.id })
  return released.length
}

/**
 * Holds every table of a plan, or none: one transaction that sweeps expired holds on those tables,
 * inserts the hold rows and bumps the availability version. 23P01 means another booking got there first.
 */
export async function placeHold(
  db: Executor,
  request: HoldRequest,
): Promise<HoldResult> {
  const holdId = crypto.randomUUID()
  const expiresAt = new Date(request.now.getTime() + request.ttlMs)
  try {
    await db.transaction(async (tx) => {
      await sweepExpiredHolds(tx, request.tableIds, request.now)
      await tx.insert(tableAllocations).values(
        request.tableIds.map((tableId) => ({
          restaurantId: request.restaurantId,
          tableId,
          bookingId: request.bookingId,
          holdId,
          kind: 'hold' as const,
          window: request.window,
          holdExpiresAt: expiresAt,
        })),
      )
      await bumpAvailabilityVersion(tx, request.restaurantId)
    })
    return { ok: true, holdId, expiresAt }
  } catch (error) {
    if (sqlState(error) === SQLSTATE.exclusionViolation) return { ok: false, reason: 'HOLD_CONFLICT' }
    throw error
  }
}

/** Releases a hold's rows (a failed confirm, an abort); frees the tables at once. */
export async function releaseHold(db: Executor, restaurantId: string, holdId: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const released = await tx
      .update(tableAllocations)
      .set({ releasedAt: now })
      .where(and(eq(tableAllocations.holdId, holdId), isNull(tableAllocations.releasedAt)))
      .returning({ id: tableAllocations.id })
    if (released.length > 0) await bumpAvailabilityVersion(tx, restaurantId)
  })
}

/** Releases every live allocation of a booking (cancel). */
export async function releaseBookingAllocations(db: Executor, bookingId: string, now: Date): Promise<number> {
  const released = await db
    .update(tableAllocations)
    .set({ releasedAt: now })
    .where(and(eq(tableAllocations.bookingId, bookingId), isNull(tableAllocations.releasedAt)))
    .returning({ id: tableAllocations.id })
  return released.length
}

/** Turns a live, unexpired hold into assignments; returns how many rows it converted. */
export async function convertHoldToAssignment(db: Executor, holdId: string, now: Date): Promise<number> {
  const converted = await db
    .update(tableAllocations)
    .set({ kind: 'assignment', holdExpiresAt: null })
    .where(
      and(
        eq(tableAllocations.holdId, holdId),
        isNull(tableAllocations.releasedAt),
        sql`${tableAllocations.holdExpiresAt} > ${now.toISOString()}::timestamptz`,
      ),
    )
    .returning({ id: tableAllocations.id })
  return converted.length
}
