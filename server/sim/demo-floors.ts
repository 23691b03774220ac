import type { FloorInput } from '../restaurants/floor-schema.ts'

type TableInput = FloorInput['tables'][number]

interface FloorBuilder {
  tables: TableInput[]
  adjacency: Array<[string, string]>
}

/**
 * A straight run of tables that staff push together end to end (a banquette, a window line):
 * each table touches the next one.
 */
function run(floor: FloorBuilder, zone: string, prefix: string, capacities: number[]): string[] {
  const keys = capacities.map((capacity, index) => {
    const key = `${prefix}${index + 1}`
    floor.tables.push({ key, zone, capacity, minParty: capacity >= 4 ? 2 : 1 })
    return key
  })
  for (let index = 1; index < keys.length; index++) floor.adjacency.push([keys[index - 1]!, keys[index]!])
  return keys
}

/** A grid of four-tops: neighbours in a row and in a column can be joined. */
function grid(floor: FloorBuilder, zone: string, prefix: string, rows: number, columns: number, capacity = 4) {
  const keyAt = (row: number, column: number) => `${prefix}${row + 1}${String.fromCharCode(65 + column)}`
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      floor.tables.push({ key: keyAt(row, column), zone, capacity, minParty: 2 })
      if (column > 0) floor.adjacency.push([keyAt(row, column - 1), keyAt(row, column)])
      if (row > 0) floor.adjacency.push([keyAt(row - 1, column), keyAt(row, column)])
    }
  }
}

/** Round or fixed tables that never move: not mergeable. */
function fixed(floor: FloorBuilder, zone: string, prefix: string, capacities: number[], minParty = 1) {
  capacities.forEach((capacity, index) => {
    floor.tables.push({
      key: `${prefix}${index + 1}`,
      zone,
      capacity,
      minParty: Math.min(minParty, capacity),
      mergeable: false,
    })
  })
}

const weekdays = [1, 2, 3, 4, 5, 6, 7]

/** 20 tables: a banquette of two-tops, a few four-tops, a window run and bar seats. */
export function bistroFloor(): FloorInput {
  const floor: FloorBuilder = { tables: [], adjacency: [] }
  run(floor, 'salle', 'B', [2, 2, 2, 2, 2, 2, 2, 2])
  grid(floor, 'salle', 'T', 2, 2)
  run(floor, 'window', 'W', [2, 2, 4, 2])
  fixed(floor, 'bar', 'BAR', [2, 2, 2, 2])
  return {
    name: 'Bistro Lumière',
    timezone: 'Europe/Paris',
    turnMinutes: { '2': 90, '4': 105, '6': 120, '99': 150 },
    bufferMinutes: 15,
    servicePeriods: [
      { name: 'lunch', days: weekdays, opens: '12:00', closes: '14:30' },
      { name: 'dinner', days: weekdays, opens: '19:00', closes: '23:00' },
    ],
    zones: [
      { key: 'salle', name: 'Salle' },
      { key: 'window', name: 'Window' },
      { key: 'bar', name: 'Bar' },
    ],
    ...floor,
  }
}

/** 60 tables in 4 zones: main hall grid and banquettes, terrace, mezzanine, private room. */
export function brasserieFloor(): FloorInput {
  const floor: FloorBuilder = { tables: [], adjacency: [] }
  grid(floor, 'hall', 'H', 3, 4)
  run(floor, 'hall', 'HB', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
  fixed(floor, 'hall', 'HR', [6, 6], 4)
  grid(floor, 'terrace', 'T', 2, 5)
  run(floor, 'terrace', 'TP', [2, 2, 2, 2, 2, 2])
  run(floor, 'mezzanine', 'M', [4, 4, 4, 4, 4, 4])
  run(floor, 'mezzanine', 'MB', [2, 2, 2, 2, 2, 2])
  run(floor, 'private', 'P', [6, 6, 6, 6])
  fixed(floor, 'private', 'PR', [10, 8, 8, 12], 6)
  return {
    name: 'Brasserie du Marché',
    timezone: 'America/New_York',
    turnMinutes: { '2': 75, '4': 90, '6': 120, '10': 150, '99': 180 },
    bufferMinutes: 10,
    servicePeriods: [
      { name: 'lunch', days: weekdays, opens: '11:30', closes: '15:00' },
      { name: 'dinner', days: weekdays, opens: '17:00', closes: '23:30' },
    ],
    zones: [
      { key: 'hall', name: 'Main hall' },
      { key: 'terrace', name: 'Terrace' },
      { key: 'mezzanine', name: 'Mezzanine' },
      { key: 'private', name: 'Private room' },
    ],
    ...floor,
  }
}

/** 150 tables in 8 zones: long communal rows, four-top grids, counters. */
export function foodHallFloor(): FloorInput {
  const floor: FloorBuilder = { tables: [], adjacency: [] }
  const zones = [
    { key: 'north', name: 'North hall' },
    { key: 'south', name: 'South hall' },
    { key: 'east', name: 'East wing' },
    { key: 'west', name: 'West wing' },
    { key: 'courtyard', name: 'Courtyard' },
    { key: 'loft', name: 'Loft' },
    { key: 'counter', name: 'Counter' },
    { key: 'garden', name: 'Garden' },
  ]
  run(floor, 'north', 'N', [4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
  run(floor, 'north', 'NL', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
  grid(floor, 'south', 'S', 4, 5)
  run(floor, 'east', 'E', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
  fixed(floor, 'east', 'ER', [6, 6, 6, 8, 8, 8], 3)
  run(floor, 'west', 'WA', [6, 6, 6])
  run(floor, 'west', 'WB', [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
  grid(floor, 'courtyard', 'C', 3, 5)
  run(floor, 'loft', 'L', [2, 2, 4, 4, 2, 2, 4, 4, 2, 2, 4, 4, 2, 2, 4])
  fixed(
    floor,
    'counter',
    'K',
    Array.from({ length: 17 }, () => 2),
  )
  grid(floor, 'garden', 'G', 3, 5)
  fixed(floor, 'garden', 'GR', [8, 8], 4)
  run(floor, 'garden', 'GP', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
  return {
    name: 'Halle Centrale',
    timezone: 'Europe/London',
    turnMinutes: { '2': 60, '4': 75, '6': 90, '99': 120 },
    bufferMinutes: 5,
    servicePeriods: [{ name: 'all day', days: weekdays, opens: '11:00', closes: '23:00' }],
    zones,
    ...floor,
  }
}

export const DEMO_RESTAURANTS: Array<{ slug: string; floor: () => FloorInput }> = [
  { slug: 'bistro-lumiere', floor: bistroFloor },
  { slug: 'brasserie-du-marche', floor: brasserieFloor },
  { slug: 'halle-centrale', floor: foodHallFloor },
]
