import { and, asc, eq, gt, inArray, isNull, notInArray, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { tableAllocations } from '../schema/allocations.ts'
import { bookings } from '../schema/bookings.ts'
import { diningTables, restaurants, tableAdjacency, zones } from '../schema/restaurants.ts'

export async function findRestaurantBySlug(db: Executor, slug: string) {
  const [row] = await db.select().from(restaurants).where(eq(restaurants.slug, slug)).limit(1)
  return row
}

export async function findRestaurantById(db: Executor, id: string) {
  const [row] = await db.select().from(restaurants).where(eq(restaurants.id, id)).limit(1)
  return row
}

export async function listRestaurants(db: Executor) {
  return db.select().from(restaurants).orderBy(restaurants.name)
}

export async function listZones(db: Executor, restaurantId: string) {
  return db.select().from(zones).where(eq(zones.restaurantId, restaurantId)).orderBy(zones.key)
}

export async function listTables(db: Executor, restaurantId: string) {
  return db.select().from(diningTables).where(eq(diningTables.restaurantId, restaurantId)).orderBy(diningTables.key)
}

export async function listAdjacency(db: Executor, restaurantId: string) {
  return db
    .select({ a: tableAdjacency.tableAId, b: tableAdjacency.tableBId })
    .from(tableAdjacency)
    .where(eq(tableAdjacency.restaurantId, restaurantId))
}

/** Tables among `tableIds` that hold a live allocation ending after `now`. */
export async function tablesWithLiveFutureAllocations(db: Executor, tableIds: string[], now: Date) {
  if (tableIds.length === 0) return []
  const rows = await db
    .selectDistinct({ tableId: tableAllocations.tableId })
    .from(tableAllocations)
    .where(
      and(
        inArray(tableAllocations.tableId, tableIds),
        isNull(tableAllocations.releasedAt),
        gt(sql`upper(${tableAllocations.window})`, now),
      ),
    )
  return rows.map((row) => row.tableId)
}

export async function bumpAvailabilityVersion(db: Executor, restaurantId: string): Promise<number> {
  const [row] = await db
    .update(restaurants)
    .set({ availabilityVersion: sql`${restaurants.availabilityVersion} + 1` })
    .where(eq(restaurants.id, restaurantId))
    .returning({ version: restaurants.availabilityVersion })
  return row?.version ?? 0
}

/**
 * Bookings (any status: cancelled ones keep their history) whose preferred zone is one of this
 * restaurant's zones outside `keptZoneKeys`, at most `limit`: a floor import that removes those
 * zones would break bookings.zone_id.
 */
export async function bookingsInRemovedZones(
  db: Executor,
  input: { restaurantId: string; keptZoneKeys: string[]; limit: number },
) {
  return db
    .select({ zone: zones.key, reference: bookings.reference, status: bookings.status })
    .from(bookings)
    .innerJoin(zones, eq(zones.id, bookings.zoneId))
    .where(and(eq(zones.restaurantId, input.restaurantId), notInArray(zones.key, input.keptZoneKeys)))
    .orderBy(asc(zones.key), asc(bookings.reference))
    .limit(input.limit)
}
