import { index, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core'
import { restaurants } from './restaurants.ts'

/** V3 bulkhead permits, shared by every engine process (server/resilience/bulkhead.ts). */
export const assignmentBulkheadPermits = pgTable(
  'assignment_bulkhead_permits',
  {
    token: uuid('token').primaryKey(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    bookingId: uuid('booking_id').notNull(),
    acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('assignment_bulkhead_permits_restaurant_idx').on(t.restaurantId, t.expiresAt)],
)
