import { and, asc, count, eq, gte, inArray, isNull, lt } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { runPrepared, type PreparedStatement } from '../prepared.ts'
import { availabilityFromRow, busyWindowsJson, type Availability, type AvailabilityColumns } from './availability.ts'
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
    .select({
      bookingId: emailOutbox.bookingId,
      kind: emailOutbox.kind,
      status: emailOutbox.status,
      sentAt: emailOutbox.sentAt,
    })
    .from(emailOutbox)
    .where(inArray(emailOutbox.bookingId, bookingIds))
    .orderBy(asc(emailOutbox.createdAt))
  for (const row of rows) {
    if (!row.bookingId) continue
    result.set(row.bookingId, [
      ...(result.get(row.bookingId) ?? []),
      { kind: row.kind, status: row.status, sentAt: row.sentAt?.toISOString() ?? null },
    ])
  }
  return result
}

export interface NewBookingValues {
  reference: string
  restaurantId: string
  partySize: number
  startAt: Date
  endAt: Date
  guestName: string
  guestEmail: string
  guestPhone: string | null
  zoneId: string | null
  idempotencyKey: string | null
}

interface BookingColumns {
  id: string
  reference: string
  restaurant_id: string
  party_size: number
  start_at: Date
  end_at: Date
  guest_name: string
  guest_email: string
  guest_phone: string | null
  zone_id: string | null
  status: Booking['status']
  assignment_state: Booking['assignmentState']
  assignment_state_version: number
  auto_assign_last_result: Booking['autoAssignLastResult'] | string
  manual_review_reason: string | null
  idempotency_key: string | null
  confirmed_at: Date | null
  cancelled_at: Date | null
  created_at: Date
  updated_at: Date
}

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value))
const asNullableDate = (value: Date | string | null) => (value === null ? null : asDate(value))

/** A raw driver row of bookings as the schema's Booking. */
export function bookingFromRow(row: BookingColumns): Booking {
  return {
    id: row.id,
    reference: row.reference,
    restaurantId: row.restaurant_id,
    partySize: Number(row.party_size),
    startAt: asDate(row.start_at),
    endAt: asDate(row.end_at),
    guestName: row.guest_name,
    guestEmail: row.guest_email,
    guestPhone: row.guest_phone,
    zoneId: row.zone_id,
    status: row.status,
    assignmentState: row.assignment_state,
    assignmentStateVersion: Number(row.assignment_state_version),
    autoAssignLastResult:
      typeof row.auto_assign_last_result === 'string'
        ? JSON.parse(row.auto_assign_last_result)
        : row.auto_assign_last_result,
    manualReviewReason: row.manual_review_reason,
    idempotencyKey: row.idempotency_key,
    confirmedAt: asNullableDate(row.confirmed_at),
    cancelledAt: asNullableDate(row.cancelled_at),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  }
}

const insertBookingStatement: PreparedStatement = {
  name: 'maitre_insert_booking_v1',
  text: `with inserted as (
           insert into bookings (reference, restaurant_id, party_size, start_at, end_at, guest_name, guest_email,
                                 guest_phone, zone_id, idempotency_key)
           values ($1, $2::uuid, $3::int, $4::timestamptz, $5::timestamptz, $6, $7, $8, $9::uuid, $10)
           on conflict (restaurant_id, idempotency_key) do nothing
           returning *
         )
         select inserted.*, r.floor_version, r.availability_version,
                ${busyWindowsJson('$4::timestamptz', '$5::timestamptz', '$11::timestamptz')} as busy
           from inserted join restaurants r on r.id = inserted.restaurant_id`,
}

/**
 * Inserts a booking and, in the same statement, reads the availability its first quote needs: one
 * round trip for what used to be two. Undefined when the idempotency key was already taken. Pass
 * the intake's transaction so the booking's first job is written with it.
 */
export async function insertBookingWithAvailability(
  db: Executor,
  values: NewBookingValues,
  now: Date,
): Promise<{ booking: Booking; availability: Availability } | undefined> {
  const [row] = await runPrepared<BookingColumns & AvailabilityColumns>(db, insertBookingStatement, [
    values.reference,
    values.restaurantId,
    values.partySize,
    values.startAt.toISOString(),
    values.endAt.toISOString(),
    values.guestName,
    values.guestEmail,
    values.guestPhone,
    values.zoneId,
    values.idempotencyKey,
    now.toISOString(),
  ])
  return row ? { booking: bookingFromRow(row), availability: availabilityFromRow(row) } : undefined
}
