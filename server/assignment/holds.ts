import crypto from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import { runPrepared, type PreparedStatement } from '../db/prepared.ts'
import { tableAllocations } from '../db/schema/allocations.ts'
import { bumpAvailabilityVersion } from '../db/queries/restaurants.ts'

export interface HoldRequest {
  restaurantId: string
  bookingId: string
  tableIds: string[]
  window: { start: Date; end: Date }
  ttlMs: number
  now: Date
}

export type HoldResult = { ok: true; holdId: string; expiresAt: Date } | { ok: false; reason: 'HOLD_CONFLICT' }

const placeHoldStatement: PreparedStatement = {
  name: 'maitre_place_hold_v1',
  text: `select maitre_place_hold($1::uuid, $2::uuid, $3::uuid, $4::uuid[], $5::timestamptz, $6::timestamptz,
                                $7::timestamptz, $8::timestamptz) as version`,
}

/**
 * Holds every table of a plan, or none: one transaction (the maitre_place_hold function) that
 * sweeps expired holds on those tables, inserts the hold rows and bumps the availability version.
 * A NULL version means 23P01: another booking got one of the tables first.
 */
export async function placeHold(db: Executor, request: HoldRequest): Promise<HoldResult> {
  const holdId = crypto.randomUUID()
  const expiresAt = new Date(request.now.getTime() + request.ttlMs)
  const [row] = await runPrepared<{ version: unknown }>(db, placeHoldStatement, [
    request.restaurantId,
    request.bookingId,
    holdId,
    `{${request.tableIds.join(',')}}`,
    request.window.start.toISOString(),
    request.window.end.toISOString(),
    expiresAt.toISOString(),
    request.now.toISOString(),
  ])
  if (row?.version === null || row?.version === undefined) return { ok: false, reason: 'HOLD_CONFLICT' }
  return { ok: true, holdId, expiresAt }
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
