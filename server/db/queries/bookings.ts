import { and, asc, count, eq, gte, inArray, isNull, lt } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { tableAllocations } from '../schema/allocations.ts'
import { assignmentAttempts } from '../schema/assignment.ts'
import { bookings, type Booking, type BookingStatus } from '../schema/bookings.ts'
import { emailOutbox } from '../schema/outbox.ts'
import { diningTables } from '../schema/restaurants.ts'

export async function findBookingById(db: Executor, id: string): Promise<Booking | undefined> {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, id)).limit(1)
  return row
}

export async function findBookingByIdempotencyKey(db: Executor, restaurantId: string, key: string) {
  const [row] = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.restaurantId, restaurantId), eq(bookings.idempotencyKey, key)))
    .limit(1)
  return row
}

export async function listBookings(
  db: Executor,
  filter: { restaurantId: string; status?: BookingStatus; from?: Date; to?: Date; limit: number },
) {
  const conditions = [eq(bookings.restaurantId, filter.restaurantId)]
  if (filter.status) conditions.push(eq(bookings.status, filter.status))
  if (filter.from) conditions.push(gte(bookings.startAt, filter.from))
  if (filter.to) conditions.push(lt(bookings.startAt, filter.to))
  return db
    .select()
    .from(bookings)
    .where(and(...conditions))
    .orderBy(asc(bookings.startAt), asc(bookings.createdAt))
    .limit(filter.limit)
}

/** Live allocated table keys per booking (holds included while they live). */
export async function liveTableKeys(db: Executor, bookingIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>()
  if (bookingIds.length === 0) return result
  const rows = await db
    .select({ bookingId: tableAllocations.bookingId, key: diningTables.key, kind: tableAllocations.kind })
    .from(tableAllocations)
    .innerJoin(diningTables, eq(diningTables.id, tableAllocations.tableId))
    .where(
      and(
        inArray(tableAllocations.bookingId, bookingIds),
        isNull(tableAllocations.releasedAt),
        eq(tableAllocations.kind, 'assignment'),
      ),
    )
    .orderBy(asc(diningTables.key))
  for (const row of rows) {
    if (!row.bookingId) continue
    result.set(row.bookingId, [...(result.get(row.bookingId) ?? []), row.key])
  }
  return result
}

export async function attemptCounts(db: Executor, bookingIds: string[]): Promise<Map<string, number>> {
  if (bookingIds.length === 0) return new Map()
  const rows = await db
    .select({ bookingId: assignmentAttempts.bookingId, n: count() })
    .from(assignmentAttempts)
    .where(inArray(assignmentAttempts.bookingId, bookingIds))
    .groupBy(assignmentAttempts.bookingId)
  return new Map(rows.map((row) => [row.bookingId, Number(row.n)]))
}

export async function emailsFor(db: Executor, bookingIds: string[]) {
  const result = new Map<string, Array<{ kind: string; status: string; sentAt: string | null }>>()
  if (bookingIds.length === 0) return result
  const rows = await db
    .select({ bookingId: emailOutbox.bookingId, kind: emailOutbox.kind, status: emailOutbox.status, sentAt: emailOutbox.sentAt })
    .from(emailOutbox)
    .where(inArray(emailOutbox.bookingId, bookingIds))
    .orderBy(asc(emailOutbox.createdAt))
  for (const row of rows) {
    result.set(row.bookingId, [
      ...(result.get(row.bookingId) ?? []),
      { kind: row.kind, status: row.status, sentAt: row.sentAt?.toISOString() ?? null },
    ])
  }
  return result
}
