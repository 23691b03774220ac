// Deterministic floors and quote requests for the planner benchmark.
import type { QuoteInput, TableSpec } from '../../planner/index'
import { seededRandom as mulberry32 } from '../../server/sim/seeded-random.ts'

export type Rng = () => number

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))

export interface Floor {
  name: string
  tables: TableSpec[]
  adjacency: Array<[string, string]>
}

interface ZoneLayout {
  zoneId: string
  rows: number
  cols: number
  /** capacity by (row, col) */
  capacity: (row: number, col: number) => number
  /** neighbours in a row are adjacent; columns too when true */
  vertical: boolean
  mergeable?: (row: number, col: number) => boolean
}

/** Tables on a grid; row neighbours (and column neighbours when `vertical`) are adjacent. */
function gridFloor(name: string, layouts: ZoneLayout[]): Floor {
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  for (const z of layouts) {
    const id = (r: number, c: number): string => `${z.zoneId}-${r + 1}${String.fromCharCode(65 + c)}`
    for (let r = 0; r < z.rows; r++) {
      for (let c = 0; c < z.cols; c++) {
        const capacity = z.capacity(r, c)
        const t: TableSpec = { id: id(r, c), zoneId: z.zoneId, capacity }
        if (capacity >= 8) t.minParty = Math.ceil(capacity / 2)
        if (z.mergeable && !z.mergeable(r, c)) t.mergeable = false
        tables.push(t)
        if (c > 0) adjacency.push([id(r, c - 1), id(r, c)])
        if (z.vertical && r > 0) adjacency.push([id(r - 1, c), id(r, c)])
      }
    }
  }
  return { name, tables, adjacency }
}

const pattern = (caps: number[]) => (r: number, c: number) => caps[(r * 7 + c * 3) % caps.length] as number

/** 20 tables: a dining room of 2- and 4-tops in rows and a small terrace. */
export function bistro(): Floor {
  return gridFloor('bistro-20', [
    { zoneId: 'room', rows: 3, cols: 4, capacity: pattern([2, 2, 4, 4, 2, 6]), vertical: false },
    { zoneId: 'terrace', rows: 2, cols: 4, capacity: pattern([2, 4, 2, 2]), vertical: true },
  ])
}

/** 60 tables in 4 zones: main hall, bar high-tops (not mergeable), terrace, private room. */
export function brasserie(): Floor {
  return gridFloor('brasserie-60', [
    { zoneId: 'main', rows: 4, cols: 6, capacity: pattern([2, 4, 4, 2, 6, 4, 2, 8]), vertical: true },
    {
      zoneId: 'bar',
      rows: 1,
      cols: 12,
      capacity: pattern([2, 2, 4, 2]),
      vertical: false,
      mergeable: (_r, c) => c % 4 !== 3,
    },
    { zoneId: 'terrace', rows: 3, cols: 5, capacity: pattern([2, 4, 2, 4, 6]), vertical: true },
    { zoneId: 'private', rows: 3, cols: 3, capacity: pattern([4, 6, 8, 4, 10]), vertical: true },
  ])
}

/** 150 tables in 6 zones of 25 (5 x 5 grids, rows and columns adjacent). */
export function foodHall(): Floor {
  const zones = ['north', 'south', 'east', 'west', 'mezzanine', 'patio']
  const caps = [
    [2, 2, 4, 4, 2, 6, 4, 2, 8, 4, 2, 4],
    [2, 4, 4, 2, 4, 6, 2, 4, 2, 10],
    [4, 2, 2, 6, 4, 4, 2, 8],
    [2, 2, 2, 4, 4, 6, 2, 4, 4, 2, 12],
    [4, 4, 2, 6, 2, 4, 8, 2],
    [2, 4, 2, 4, 2, 6, 4, 4],
  ]
  return gridFloor(
    'foodhall-150',
    zones.map((zoneId, i) => ({
      zoneId,
      rows: 5,
      cols: 5,
      capacity: pattern(caps[i] as number[]),
      vertical: true,
      mergeable: (r: number, c: number) => (r * 5 + c + i) % 11 !== 0,
    })),
  )
}

/**
 * Random floor: tables at random positions in each zone, adjacent to their nearest neighbours
 * (2-3 edges each), random capacities, a few large tables with a minParty, ~10% not mergeable.
 */
export function randomFloor(seed: number, nTables: number, nZones: number): Floor {
  const rng = mulberry32(seed)
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  const capacities = [2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 8, 1, 3, 10]
  for (let z = 0; z < nZones; z++) {
    const count = Math.floor(nTables / nZones) + (z < nTables % nZones ? 1 : 0)
    const pts: Array<{ id: string; x: number; y: number }> = []
    for (let i = 0; i < count; i++) {
      const id = `r${z}-${i}`
      const capacity = capacities[int(rng, 0, capacities.length - 1)] as number
      const t: TableSpec = { id, zoneId: `zone-${z}`, capacity }
      if (capacity >= 8) t.minParty = int(rng, 3, 6)
      if (rng() < 0.1) t.mergeable = false
      tables.push(t)
      pts.push({ id, x: rng(), y: rng() })
    }
    for (const p of pts) {
      const near = pts
        .filter((q) => q !== p)
        .map((q) => ({ q, d: (q.x - p.x) ** 2 + (q.y - p.y) ** 2 }))
        .sort((a, b) => a.d - b.d)
        .slice(0, int(rng, 1, 3))
      for (const { q } of near) adjacency.push([p.id, q.id])
    }
  }
  return { name: `random-${nTables}`, tables, adjacency }
}

const PARTY_SIZES = [1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 6, 6, 6, 7, 8, 8, 9, 10, 12, 14]

export interface QuoteOptions {
  occupancy: number
  maxTables: number
  requireAdjacency: boolean
  count: number
  seed: number
}

/**
 * Quotes against one floor (the same `tables` and `adjacency` arrays every time, as an engine
 * serving one restaurant would pass them): an evening of bookings per table, a fraction
 * `occupancy` of tables busy during the requested window, realistic party sizes.
 */
export function quotes(floor: Floor, options: QuoteOptions): QuoteInput[] {
  const rng = mulberry32(options.seed)
  const evening = Date.UTC(2025, 5, 14, 17, 0)
  const out: QuoteInput[] = []
  for (let q = 0; q < options.count; q++) {
    const start = evening + int(rng, 0, 16) * 15 * 60_000
    const end = start + int(rng, 6, 9) * 15 * 60_000
    const busy: QuoteInput['busy'] = []
    for (const t of floor.tables) {
      if (rng() < options.occupancy) {
        const s = start + int(rng, -8, 7) * 15 * 60_000
        busy.push({ tableId: t.id, start: s, end: Math.max(s + 60 * 60_000, start + 15 * 60_000) })
      } else if (rng() < 0.5) {
        // a booking elsewhere in the evening that does not overlap the window
        busy.push({ tableId: t.id, start: end + int(rng, 0, 4) * 15 * 60_000, end: end + 6 * 60 * 60_000 })
      }
    }
    out.push({
      tables: floor.tables,
      adjacency: floor.adjacency,
      busy,
      partySize: PARTY_SIZES[int(rng, 0, PARTY_SIZES.length - 1)] as number,
      window: { start, end },
      maxTables: options.maxTables,
      requireAdjacency: options.requireAdjacency,
    })
  }
  return out
}
