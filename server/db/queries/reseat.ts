import { sql } from 'drizzle-orm'
import type { Executor, Transaction } from '../client.ts'
import { AppError } from '../../errors.ts'
import type { Trigger } from '../../assignment/vocabulary.ts'

/** the auto_assign_last_result source of a booking staff seated (review's seat at tables) */
const MANUAL_SOURCE: Trigger = 'manual'

/** Seated by a person (review: seat at tables): their choice stands, re-seating never moves it. */
const notStaffPlaced = sql`coalesce(b.auto_assign_last_result->>'source', '') <> ${MANUAL_SOURCE}`

/** A live allocation near a booking's window, with what re-seating needs to know of its booking. */
export interface NearbyAllocation {
  tableId: string
  start: number
  end: number
  /** null for a hold */
  bookingId: string | null
  /** true when re-seating may move this booking (confirmed, not pinned, not placed by staff, far enough from its start) */
  movable: boolean
  partySize: number | null
  /** the zone the booking's guest asked for (null: none, or a hold) */
  zoneId: string | null
}

interface NearbyRow {
  table_id: string
  start_ms: number | string
  end_ms: number | string
  booking_id: string | null
  movable: boolean
  party_size: number | null
  zone_id: string | null
}

/**
 * Every live allocation of the restaurant overlapping `span`: assignments, and holds alive at
 * `now`. A booking is movable when it is confirmed, not pinned, not placed by staff, and starts at `movableFrom` or
 * later (bookings about to start, or started, stay where the guests sit). One statement, so the
 * busy windows and the movable set are one state of the restaurant.
 */
export async function listNearbyAllocations(
  executor: Executor,
  input: { restaurantId: string; span: { start: Date; end: Date }; now: Date; movableFrom: Date },
): Promise<NearbyAllocation[]> {
  const result = await executor.execute(sql`
    select a.table_id,
           (extract(epoch from lower(a."window")) * 1000)::float8 as start_ms,
           (extract(epoch from upper(a."window")) * 1000)::float8 as end_ms,
           a.booking_id,
           (a.kind = 'assignment' and b.status = 'confirmed' and not b.pinned
              and ${notStaffPlaced}
              and b.start_at >= ${input.movableFrom.toISOString()}::timestamptz) as movable,
           b.party_size,
           b.zone_id
      from table_allocations a
      left join bookings b on b.id = a.booking_id
     where a.restaurant_id = ${input.restaurantId}
       and a.released_at is null
       and a."window" && tstzrange(${input.span.start.toISOString()}::timestamptz, ${input.span.end.toISOString()}::timestamptz, '[)')
       and (a.kind = 'assignment' or a.hold_expires_at > ${input.now.toISOString()}::timestamptz)`)
  return (result as unknown as { rows: NearbyRow[] }).rows.map((row) => ({
    tableId: row.table_id,
    start: Number(row.start_ms),
    end: Number(row.end_ms),
    bookingId: row.booking_id,
    movable: row.movable === true,
    partySize: row.party_size,
    zoneId: row.zone_id,
  }))
}

export interface TableMove {
  restaurantId: string
  bookingId: string
  fromTableIds: string[]
  toTableIds: string[]
  window: { start: Date; end: Date }
  now: Date
}

/**
 * Releases a moved booking's tables, inside the caller's transaction (the first half of a move;
 * seatMovedBooking is the second). Fenced: it releases exactly the `from` assignments, and only
 * while the booking is still confirmed, unpinned and not staff-placed, so a booking that was
 * cancelled, pinned or moved since the plan was made is refused (RESEAT_STALE) and the caller's
 * transaction rolls back. A chain of moves releases every moved booking first and then seats them,
 * so a booking may take the tables the next one leaves.
 */
export async function releaseMovedBooking(tx: Transaction, move: TableMove): Promise<void> {
  const released = await tx.execute(sql`
    update table_allocations a
       set released_at = ${move.now.toISOString()}::timestamptz
      from bookings b
     where b.id = a.booking_id
       and a.booking_id = ${move.bookingId}
       and a.kind = 'assignment'
       and a.released_at is null
       and a.table_id = any(${`{${move.fromTableIds.join(',')}}`}::uuid[])
       and b.status = 'confirmed' and not b.pinned and ${notStaffPlaced}
    returning a.id`)
  const count = (released as unknown as { rows: unknown[] }).rows.length
  if (count !== move.fromTableIds.length) {
    throw new AppError(
      'RESEAT_STALE',
      `Booking ${move.bookingId} no longer sits at the tables the re-seating plan moves it from; plan again.`,
      409,
    )
  }
}

/**
 * Seats a moved booking at its new tables, inside the caller's transaction, under the exclusion
 * constraint: a table taken since the plan was made fails with 23P01 and rolls everything back.
 */
export async function seatMovedBooking(tx: Transaction, move: TableMove): Promise<void> {
  await tx.execute(sql`
    insert into table_allocations (restaurant_id, table_id, booking_id, kind, "window")
    select ${move.restaurantId}::uuid, t.id, ${move.bookingId}::uuid, 'assignment',
           tstzrange(${move.window.start.toISOString()}::timestamptz, ${move.window.end.toISOString()}::timestamptz, '[)')
      from unnest(${`{${move.toTableIds.join(',')}}`}::uuid[]) as t(id)`)
}
