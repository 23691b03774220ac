import type { FloorInput } from '../restaurants/floor-schema.ts'
import { bistroFloor, brasserieFloor, foodHallFloor } from '../sim/demo-floors.ts'

/**
 * The floor of the quality benchmark: 20 tables in 2 zones, the shape of a typical neighbourhood
 * restaurant. The main room is two runs of two-tops that staff push together and a row of
 * four-tops; the terrace is a run of mixed tables and two fixed rounds.
 */
export function eveningFloor(): FloorInput {
  const tables: FloorInput['tables'] = []
  const adjacency: Array<[string, string]> = []
  const runOf = (zone: string, prefix: string, capacities: number[]) => {
    capacities.forEach((capacity, index) => {
      tables.push({ key: `${prefix}${index + 1}`, zone, capacity, minParty: capacity >= 4 ? 2 : 1 })
      if (index > 0) adjacency.push([`${prefix}${index}`, `${prefix}${index + 1}`])
    })
  }
  runOf('main', 'A', [2, 2, 2, 2, 2])
  runOf('main', 'B', [2, 2, 2, 2])
  runOf('main', 'C', [4, 4, 4])
  runOf('terrace', 'T', [2, 4, 2, 4, 6])
  tables.push({ key: 'R1', zone: 'terrace', capacity: 6, minParty: 3, mergeable: false })
  tables.push({ key: 'R2', zone: 'terrace', capacity: 8, minParty: 5, mergeable: false })
  return {
    name: 'Quality evening',
    timezone: 'Europe/Paris',
    turnMinutes: { '2': 90, '4': 105, '6': 120, '99': 150 },
    bufferMinutes: 15,
    servicePeriods: [],
    zones: [
      { key: 'main', name: 'Main room' },
      { key: 'terrace', name: 'Terrace' },
    ],
    tables,
    adjacency,
  }
}

/** Floors the simulator knows by name: the benchmark's evening floor and the three demo floors. */
export const NAMED_FLOORS: Record<string, () => FloorInput> = {
  evening: eveningFloor,
  bistro: bistroFloor,
  brasserie: brasserieFloor,
  'food-hall': foodHallFloor,
}
