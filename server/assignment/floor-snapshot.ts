import { sql } from 'drizzle-orm'
import type { BusyWindow, TableSpec } from '../../planner/index.ts'
import type { Executor } from '../db/client.ts'
import { findRestaurantById, listAdjacency, listTables } from '../db/queries/restaurants.ts'

export interface FloorSnapshot {
  restaurantId: string
  floorVersion: number
  restaurant: { name: string; timezone: string; slug: string }
  tables: TableSpec[]
  adjacency: Array<[string, string]>
  keyById: Map<string, string>
}

/**
 * Floors change rarely and are read on every quote: keep one snapshot per restaurant and floor
 * version. The planner keys its own precomputation by these arrays' identity.
 */
export function createFloorCache() {
  const snapshots = new Map<string, FloorSnapshot>()
  return {
    async get(db: Executor, restaurantId: string, floorVersion: number): Promise<FloorSnapshot> {
      const cached = snapshots.get(restaurantId)
      if (cached && cached.floorVersion === floorVersion) return cached
      const [tables, edges, restaurant] = await Promise.all([
        listTables(db, restaurantId),
        listAdjacency(db, restaurantId),
        findRestaurantById(db, restaurantId),
      ])
      if (!restaurant) throw new Error(`restaurant ${restaurantId} not found`)
      const snapshot: FloorSnapshot = {
        restaurantId,
        floorVersion,
        restaurant: { name: restaurant.name, timezone: restaurant.timezone, slug: restaurant.slug },
        tables: tables.map((table) => ({
          id: table.id,
          zoneId: table.zoneId,
          capacity: table.capacity,
          minParty: table.minParty,
          maxParty: table.maxParty ?? table.capacity,
          mergeable: table.mergeable,
          active: table.active,
        })),
        adjacency: edges.map((edge) => [edge.a, edge.b]),
        keyById: new Map(tables.map((table) => [table.id, table.key])),
      }
      snapshots.set(restaurantId, snapshot)
      return snapshot
    },
  }
}

export type FloorCache = ReturnType<typeof createFloorCache>

/** Live allocations overlapping the window: assignments, and holds that have not expired. */
export async function loadBusyWindows(
  db: Executor,
  restaurantId: string,
  window: { start: Date; end: Date },
  now: Date,
): Promise<BusyWindow[]> {
  const result = await db.execute<{ table_id: string; start_ms: number; end_ms: number }>(sql`
    select table_id,
           (extract(epoch from lower("window")) * 1000)::float8 as start_ms,
           (extract(epoch from upper("window")) * 1000)::float8 as end_ms
      from table_allocations
     where restaurant_id = ${restaurantId}
       and released_at is null
       and "window" && tstzrange(${window.start.toISOString()}::timestamptz, ${window.end.toISOString()}::timestamptz, '[)')
       and (kind = 'assignment' or hold_expires_at > ${now.toISOString()}::timestamptz)
  `)
  return (result as unknown as { rows: Array<{ table_id: string; start_ms: number; end_ms: number }> }).rows.map(
    (row) => ({ tableId: row.table_id, start: Number(row.start_ms), end: Number(row.end_ms) }),
  )
}
