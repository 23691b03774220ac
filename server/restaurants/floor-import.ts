import { and, eq, inArray, notInArray, sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { diningTables, restaurants, tableAdjacency, zones } from '../db/schema/restaurants.ts'
import { bookingsInRemovedZones, listTables, tablesWithLiveFutureAllocations } from '../db/queries/restaurants.ts'
import { AppError } from '../errors.ts'
import type { Floor } from './floor-schema.ts'

/** a 409 names at most this many bookings */
const MAX_NAMED_BOOKINGS = 20

export interface ImportedFloor {
  id: string
  slug: string
  created: boolean
  floorVersion: number
}

/**
 * Creates or replaces a restaurant's floor in one transaction. Ids stay stable for unchanged
 * keys, so allocations and bookings keep pointing at the same tables.
 */
export async function importFloor(db: Database, slug: string, floor: Floor, now = new Date()): Promise<ImportedFloor> {
  return db.transaction(async (tx) => {
    const [restaurant] = await tx
      .insert(restaurants)
      .values({
        slug,
        name: floor.name,
        timezone: floor.timezone,
        turnMinutes: floor.turnMinutes,
        bufferMinutes: floor.bufferMinutes,
        servicePeriods: floor.servicePeriods,
      })
      .onConflictDoUpdate({
        target: restaurants.slug,
        set: {
          name: floor.name,
          timezone: floor.timezone,
          turnMinutes: floor.turnMinutes,
          bufferMinutes: floor.bufferMinutes,
          servicePeriods: floor.servicePeriods,
          floorVersion: sql`${restaurants.floorVersion} + 1`,
          availabilityVersion: sql`${restaurants.availabilityVersion} + 1`,
          updatedAt: now,
        },
      })
      .returning({ id: restaurants.id, floorVersion: restaurants.floorVersion, createdAt: restaurants.createdAt })
    if (!restaurant) throw new Error('restaurant upsert returned no row')
    const restaurantId = restaurant.id

    const stranded = await bookingsInRemovedZones(tx, {
      restaurantId,
      keptZoneKeys: floor.zones.map((zone) => zone.key),
      limit: MAX_NAMED_BOOKINGS,
    })
    if (stranded.length > 0) {
      const zoneKeys = [...new Set(stranded.map((row) => row.zone))]
      throw new AppError(
        'FLOOR_ZONE_IN_USE',
        `Cannot remove zone(s) ${zoneKeys.join(', ')}: booking(s) ${stranded.map((row) => row.reference).join(', ')}${stranded.length === MAX_NAMED_BOOKINGS ? ' and maybe more' : ''} name them as their zone (cancelled ones included, to keep their history). Keep the zone in the floor; it can have no active tables.`,
        409,
        stranded.map((row) => ({ zone: row.zone, booking: row.reference, status: row.status })),
      )
    }

    const existingTables = await listTables(tx, restaurantId)
    const wantedKeys = new Set(floor.tables.map((table) => table.key))
    const dropped = existingTables.filter((table) => !wantedKeys.has(table.key))
    if (dropped.length > 0) {
      const busy = await tablesWithLiveFutureAllocations(
        tx,
        dropped.map((table) => table.id),
        now,
      )
      if (busy.length > 0) {
        const keys = dropped.filter((table) => busy.includes(table.id)).map((table) => table.key)
        throw new AppError(
          'FLOOR_TABLE_IN_USE',
          `Cannot drop table(s) ${keys.join(', ')}: they hold live future allocations. Cancel or move those bookings first, or keep the tables with "active": false.`,
          409,
          keys.map((key) => ({ table: key })),
        )
      }
      await tx.delete(diningTables).where(
        inArray(
          diningTables.id,
          dropped.map((table) => table.id),
        ),
      )
    }

    const zoneRows = await tx
      .insert(zones)
      .values(floor.zones.map((zone) => ({ restaurantId, key: zone.key, name: zone.name })))
      .onConflictDoUpdate({ target: [zones.restaurantId, zones.key], set: { name: sql`excluded.name` } })
      .returning({ id: zones.id, key: zones.key })
    const zoneIdByKey = new Map(zoneRows.map((zone) => [zone.key, zone.id]))

    const tableRows = await tx
      .insert(diningTables)
      .values(
        floor.tables.map((table) => ({
          restaurantId,
          zoneId: zoneIdByKey.get(table.zone)!,
          key: table.key,
          capacity: table.capacity,
          minParty: table.minParty ?? 1,
          maxParty: table.maxParty ?? null,
          mergeable: table.mergeable ?? true,
          active: table.active ?? true,
        })),
      )
      .onConflictDoUpdate({
        target: [diningTables.restaurantId, diningTables.key],
        set: {
          zoneId: sql`excluded.zone_id`,
          capacity: sql`excluded.capacity`,
          minParty: sql`excluded.min_party`,
          maxParty: sql`excluded.max_party`,
          mergeable: sql`excluded.mergeable`,
          active: sql`excluded.active`,
        },
      })
      .returning({ id: diningTables.id, key: diningTables.key })
    const tableIdByKey = new Map(tableRows.map((table) => [table.key, table.id]))

    await tx
      .delete(zones)
      .where(and(eq(zones.restaurantId, restaurantId), notInArray(zones.key, [...zoneIdByKey.keys()])))

    await tx.delete(tableAdjacency).where(eq(tableAdjacency.restaurantId, restaurantId))
    const edges = new Map<string, { tableAId: string; tableBId: string }>()
    for (const [a, b] of floor.adjacency) {
      const idA = tableIdByKey.get(a)!
      const idB = tableIdByKey.get(b)!
      const [low, high] = idA < idB ? [idA, idB] : [idB, idA]
      edges.set(`${low}:${high}`, { tableAId: low, tableBId: high })
    }
    const edgeRows = [...edges.values()].map((edge) => ({ restaurantId, ...edge }))
    for (let index = 0; index < edgeRows.length; index += 1000) {
      await tx.insert(tableAdjacency).values(edgeRows.slice(index, index + 1000))
    }

    return {
      id: restaurantId,
      slug,
      created: restaurant.floorVersion === 1,
      floorVersion: restaurant.floorVersion,
    }
  })
}
