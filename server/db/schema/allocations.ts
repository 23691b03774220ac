import { sql } from 'drizzle-orm'
import { index, pgEnum, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, tstzrange } from './columns.ts'
import { bookings } from './bookings.ts'
import { diningTables, restaurants } from './restaurants.ts'

export const allocationKind = pgEnum('allocation_kind', ['hold', 'assignment'])

/**
 * One row per (booking or hold, table). The exclusion constraint
 * `table_allocations_no_overlap` (hand-written migration) guarantees that two live
 * allocations of one table never overlap.
 */
export const tableAllocations = pgTable(
  'table_allocations',
  {
    id: id(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    tableId: uuid('table_id')
      .notNull()
      .references(() => diningTables.id, { onDelete: 'cascade' }),
    bookingId: uuid('booking_id').references(() => bookings.id, { onDelete: 'cascade' }),
    /** groups the rows of one multi-table hold */
    holdId: uuid('hold_id'),
    kind: allocationKind('kind').notNull(),
    window: tstzrange('window').notNull(),
    holdExpiresAt: timestamp('hold_expires_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('table_allocations_booking_idx').on(t.bookingId),
    index('table_allocations_restaurant_idx').on(t.restaurantId),
    // the confirm and the release find a hold's rows by hold id; without it each scanned every live row
    index('table_allocations_live_hold_idx')
      .on(t.holdId)
      .where(sql`${t.releasedAt} is null`),
  ],
)

export type TableAllocation = typeof tableAllocations.$inferSelect
export type AllocationKind = (typeof allocationKind.enumValues)[number]
