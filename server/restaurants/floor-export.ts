import type { StoredFloor } from '../db/queries/restaurant-floors.ts'
import type { FloorInput } from './floor-schema.ts'

/** GET /api/restaurants/:slug: the PUT body's shape plus id and slug, so it can be edited and PUT back. */
export type ExportedFloor = { id: string; slug: string } & Required<
  Pick<FloorInput, 'name' | 'timezone' | 'turnMinutes' | 'bufferMinutes' | 'servicePeriods' | 'zones' | 'adjacency'>
> & { tables: FloorInput['tables'] }

/**
 * The stored floor in the PUT's vocabulary: keys instead of ids, defaults written out as stored
 * (maxParty left out when unset, which means "up to capacity"), edges once each in key order.
 */
export function exportFloor(stored: StoredFloor): ExportedFloor {
  const { restaurant } = stored
  const adjacency = stored.edges
    .map(({ a, b }) => (a < b ? [a, b] : [b, a]) as [string, string])
    .sort((x, y) => (x[0] === y[0] ? (x[1] < y[1] ? -1 : 1) : x[0] < y[0] ? -1 : 1))
  return {
    id: restaurant.id,
    slug: restaurant.slug,
    name: restaurant.name,
    timezone: restaurant.timezone,
    turnMinutes: restaurant.turnMinutes,
    bufferMinutes: restaurant.bufferMinutes,
    servicePeriods: restaurant.servicePeriods,
    zones: stored.zones,
    tables: stored.tables.map((table) => ({
      key: table.key,
      zone: table.zone,
      capacity: table.capacity,
      minParty: table.minParty,
      ...(table.maxParty === null ? {} : { maxParty: table.maxParty }),
      mergeable: table.mergeable,
      active: table.active,
    })),
    adjacency,
  }
}
