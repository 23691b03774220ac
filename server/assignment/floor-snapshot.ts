import type { TableSpec } from '../../planner/index.ts'
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
