import type { FloorInput } from '../../server/restaurants/floor-schema.ts'

/** A small floor: two zones, a chain of two-tops and a four-top pair. */
export function smallFloor(overrides: Partial<FloorInput> = {}): FloorInput {
  return {
    name: 'Test Bistro',
    timezone: 'Europe/Paris',
    turnMinutes: { '2': 90, '4': 105, '99': 120 },
    bufferMinutes: 15,
    zones: [
      { key: 'main', name: 'Main' },
      { key: 'patio', name: 'Patio' },
    ],
    tables: [
      { key: 'T1', zone: 'main', capacity: 2 },
      { key: 'T2', zone: 'main', capacity: 2 },
      { key: 'T3', zone: 'main', capacity: 2 },
      { key: 'F1', zone: 'main', capacity: 4, minParty: 2 },
      { key: 'F2', zone: 'main', capacity: 4, minParty: 2 },
      { key: 'P1', zone: 'patio', capacity: 4 },
    ],
    adjacency: [
      ['T1', 'T2'],
      ['T2', 'T3'],
      ['F1', 'F2'],
    ],
    ...overrides,
  }
}
