import { asc, count, eq } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Executor } from '../client.ts'
import { diningTables, restaurants, tableAdjacency, zones } from '../schema/restaurants.ts'

/** Every restaurant with the size of its floor, by name (GET /api/restaurants). */
export async function restaurantSummaries(db: Executor) {
  // counted in subqueries: joining zones and tables at once would multiply the two counts
  const zoneCounts = db
    .select({ restaurantId: zones.restaurantId, n: count().as('zone_count') })
    .from(zones)
    .groupBy(zones.restaurantId)
    .as('zone_counts')
  const tableCounts = db
    .select({ restaurantId: diningTables.restaurantId, n: count().as('table_count') })
    .from(diningTables)
    .groupBy(diningTables.restaurantId)
    .as('table_counts')
  const rows = await db
    .select({
      id: restaurants.id,
      slug: restaurants.slug,
      name: restaurants.name,
      timezone: restaurants.timezone,
      floorVersion: restaurants.floorVersion,
      zones: zoneCounts.n,
      tables: tableCounts.n,
      updatedAt: restaurants.updatedAt,
    })
    .from(restaurants)
    .leftJoin(zoneCounts, eq(zoneCounts.restaurantId, restaurants.id))
    .leftJoin(tableCounts, eq(tableCounts.restaurantId, restaurants.id))
    .orderBy(asc(restaurants.name), asc(restaurants.slug))
  return rows.map((row) => ({ ...row, zones: Number(row.zones ?? 0), tables: Number(row.tables ?? 0) }))
}

/** A restaurant's stored floor: the row, its zones, its tables with zone keys, its edges as table keys. */
export async function storedFloor(db: Executor, slug: string) {
  const [restaurant] = await db.select().from(restaurants).where(eq(restaurants.slug, slug)).limit(1)
  if (!restaurant) return undefined
  const tableA = alias(diningTables, 'table_a')
  const tableB = alias(diningTables, 'table_b')
  const [zoneRows, tableRows, edgeRows] = await Promise.all([
    db
      .select({ key: zones.key, name: zones.name })
      .from(zones)
      .where(eq(zones.restaurantId, restaurant.id))
      .orderBy(asc(zones.key)),
    db
      .select({
        key: diningTables.key,
        zone: zones.key,
        capacity: diningTables.capacity,
        minParty: diningTables.minParty,
        maxParty: diningTables.maxParty,
        mergeable: diningTables.mergeable,
        active: diningTables.active,
      })
      .from(diningTables)
      .innerJoin(zones, eq(zones.id, diningTables.zoneId))
      .where(eq(diningTables.restaurantId, restaurant.id))
      .orderBy(asc(diningTables.key)),
    db
      .select({ a: tableA.key, b: tableB.key })
      .from(tableAdjacency)
      .innerJoin(tableA, eq(tableA.id, tableAdjacency.tableAId))
      .innerJoin(tableB, eq(tableB.id, tableAdjacency.tableBId))
      .where(eq(tableAdjacency.restaurantId, restaurant.id)),
  ])
  return { restaurant, zones: zoneRows, tables: tableRows, edges: edgeRows }
}

export type StoredFloor = NonNullable<Awaited<ReturnType<typeof storedFloor>>>
