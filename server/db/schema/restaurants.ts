import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from './columns.ts'

export interface ServicePeriod {
  name: string
  /** ISO weekday numbers 1 (Mon) .. 7 (Sun) */
  days: number[]
  /** local wall-clock "HH:MM" */
  opens: string
  closes: string
}

export const restaurants = pgTable('restaurants', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  servicePeriods: jsonb('service_periods').$type<ServicePeriod[]>().notNull().default([]),
  /** party-size ceiling -> block minutes, e.g. {"2":90,"4":105,"6":120,"99":150} */
  turnMinutes: jsonb('turn_minutes').$type<Record<string, number>>().notNull(),
  bufferMinutes: integer('buffer_minutes').notNull().default(15),
  /** bumped on every floor change; keys per-floor planner precomputation */
  floorVersion: integer('floor_version').notNull().default(1),
  /** bumped on every allocation change; keys the plan cache */
  availabilityVersion: bigint('availability_version', { mode: 'number' }).notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})

export const zones = pgTable(
  'zones',
  {
    id: id(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
  },
  (t) => [unique('zones_restaurant_key').on(t.restaurantId, t.key)],
)

export const diningTables = pgTable(
  'tables',
  {
    id: id(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id),
    key: text('key').notNull(),
    capacity: integer('capacity').notNull(),
    minParty: integer('min_party').notNull().default(1),
    maxParty: integer('max_party'),
    mergeable: boolean('mergeable').notNull().default(true),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    unique('tables_restaurant_key').on(t.restaurantId, t.key),
    index('tables_zone_idx').on(t.zoneId),
    check('tables_capacity_positive', sql`${t.capacity} >= 1`),
    check('tables_min_party_positive', sql`${t.minParty} >= 1`),
  ],
)

/** Undirected: each edge stored once with table_a_id < table_b_id. */
export const tableAdjacency = pgTable(
  'table_adjacency',
  {
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    tableAId: uuid('table_a_id')
      .notNull()
      .references(() => diningTables.id, { onDelete: 'cascade' }),
    tableBId: uuid('table_b_id')
      .notNull()
      .references(() => diningTables.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.tableAId, t.tableBId] }),
    index('table_adjacency_restaurant_idx').on(t.restaurantId),
    check('table_adjacency_ordered', sql`${t.tableAId} < ${t.tableBId}`),
  ],
)

export type Restaurant = typeof restaurants.$inferSelect
export type Zone = typeof zones.$inferSelect
export type DiningTable = typeof diningTables.$inferSelect
export type TableAdjacency = typeof tableAdjacency.$inferSelect
