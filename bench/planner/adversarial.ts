// Adversarial floor families for the planner benchmark (issue 9): floors whose shape, not their
// size, made the search expensive. Each family draws random instances (table ids in random string
// order, random busy tables, random party in the family's range) from a seed, so p99 is over
// instances, not over one lucky floor.
import type { QuoteInput, TableSpec } from '../../planner/index'
import { seededRandom } from '../../server/sim/seeded-random.ts'

type Rng = () => number

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T

const WINDOW = { start: Date.UTC(2026, 11, 1, 19, 0), end: Date.UTC(2026, 11, 1, 21, 0) }

export interface AdversarialFamily {
  name: string
  /** what the issue measured for this family before the change */
  before: string
  instances: number
  make: (rng: Rng) => QuoteInput
}

/** n distinct ids whose string order is unrelated to the floor's structure. */
function ids(rng: Rng, n: number): string[] {
  const out = new Set<string>()
  while (out.size < n) out.add(`${pick(rng, ['T', 't', 'A', 'B'])}${int(rng, 1, 50 * n)}`)
  return [...out]
}

/** Mark each table busy with probability `share` (a window overlapping the request). */
function busyTables(rng: Rng, tables: TableSpec[], share: number): QuoteInput['busy'] {
  const busy: QuoteInput['busy'] = []
  for (const t of tables) {
    if (rng() < share) busy.push({ tableId: t.id, start: WINDOW.start - 3_600_000, end: WINDOW.start + 1_800_000 })
  }
  return busy
}

function clique(tableIds: string[]): Array<[string, string]> {
  const edges: Array<[string, string]> = []
  for (let i = 0; i < tableIds.length; i++) {
    for (let j = i + 1; j < tableIds.length; j++) edges.push([tableIds[i] as string, tableIds[j] as string])
  }
  return edges
}

function input(tables: TableSpec[], adjacency: Array<[string, string]>, extra: Partial<QuoteInput>): QuoteInput {
  return { tables, adjacency, busy: [], partySize: 2, window: WINDOW, ...extra }
}

/** Every table adjacent to every other, all 2-tops. */
export function cliqueOfTwoTops(rng: Rng, n: number, busyShare: number): QuoteInput {
  const tableIds = ids(rng, n)
  const tables = tableIds.map((id) => ({ id, zoneId: 'hall', capacity: 2 }))
  return input(tables, clique(tableIds), {
    busy: busyTables(rng, tables, busyShare),
    partySize: int(rng, 11, 12),
    maxTables: 6,
  })
}

/** Every table adjacent to every other, 3-, 4- and 5-tops. */
export function cliqueOfMixed(rng: Rng, n: number, busyShare: number): QuoteInput {
  const tableIds = ids(rng, n)
  const tables = tableIds.map((id) => ({ id, zoneId: 'hall', capacity: int(rng, 3, 5) }))
  return input(tables, clique(tableIds), { busy: busyTables(rng, tables, busyShare), partySize: 29, maxTables: 6 })
}

/** One 2-top adjacent to n 2-tops that touch nothing else: a star; every plan needs the hub. */
export function hub(rng: Rng, n: number, maxTables: number, busyShare: number): QuoteInput {
  const tableIds = ids(rng, n + 1)
  const hubId = tableIds[0] as string
  const tables: TableSpec[] = tableIds.map((id) => ({ id, zoneId: 'hall', capacity: 2 }))
  const adjacency = tableIds.slice(1).map((id): [string, string] => (rng() < 0.5 ? [hubId, id] : [id, hubId]))
  const busy = busyTables(rng, tables.slice(1), busyShare)
  return input(tables, adjacency, { busy, partySize: 12, maxTables })
}

/**
 * 8-neighbour grid of 2-tops with 10-tops spaced so far apart that no connected set of maxTables
 * tables reaches 21 (two 10-tops are at least maxTables apart): provably ADJACENCY_UNSATISFIED.
 */
export function sparseGrid(rng: Rng, n: number, maxTables: number): QuoteInput {
  const cols = Math.round(Math.sqrt(n * 1.5))
  const rows = Math.ceil(n / cols)
  const tableIds = ids(rng, rows * cols)
  const spacing = maxTables
  const offR = int(rng, 0, spacing - 1)
  const offC = int(rng, 0, spacing - 1)
  const at = (r: number, c: number): string => tableIds[r * cols + c] as string
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const big = (r + offR) % spacing === 0 && (c + offC) % spacing === 0
      tables.push({ id: at(r, c), zoneId: 'hall', capacity: big ? 10 : 2 })
      if (c > 0) adjacency.push([at(r, c - 1), at(r, c)])
      if (r > 0) adjacency.push([at(r - 1, c), at(r, c)])
      if (r > 0 && c > 0) adjacency.push([at(r - 1, c - 1), at(r, c)])
      if (r > 0 && c + 1 < cols) adjacency.push([at(r - 1, c + 1), at(r, c)])
    }
  }
  return input(tables, adjacency, { partySize: 21, maxTables })
}

const HALL_CAPACITIES = [2, 2, 2, 2, 4, 4, 4, 4, 6, 6, 8, 10, 12]

/** A hall where any tables may be merged (adjacency not required). */
export function freeHall(rng: Rng, n: number, busyShare: number): QuoteInput {
  const tableIds = ids(rng, n)
  const tables = tableIds.map((id) => ({ id, zoneId: 'hall', capacity: pick(rng, HALL_CAPACITIES) }))
  return input(tables, [], {
    busy: busyTables(rng, tables, busyShare),
    partySize: int(rng, 13, 30),
    maxTables: 4,
    requireAdjacency: false,
  })
}

/**
 * The families at the sizes. Each instance is a new floor (new arrays), so the
 * per-floor precomputation is part of what is measured unless the bench reuses floors.
 */
export function adversarialFamilies(): AdversarialFamily[] {
  return [
    {
      name: 'clique 2-tops 40, party 11-12, maxTables 6',
      before: '6.5 ms',
      instances: 60,
      make: (r) => cliqueOfTwoTops(r, 40, rnd(r)),
    },
    {
      name: 'clique 2-tops 100, party 11-12, maxTables 6',
      before: '270 ms',
      instances: 40,
      make: (r) => cliqueOfTwoTops(r, 100, rnd(r)),
    },
    {
      name: 'clique 2-tops 200, party 11-12, maxTables 6',
      before: '4.4 s',
      instances: 20,
      make: (r) => cliqueOfTwoTops(r, 200, rnd(r)),
    },
    {
      name: 'clique 3/4/5-tops 60, party 29, maxTables 6',
      before: '75 ms',
      instances: 40,
      make: (r) => cliqueOfMixed(r, 60, rnd(r)),
    },
    {
      name: 'clique 3/4/5-tops 100, party 29, maxTables 6',
      before: '2.1 s',
      instances: 20,
      make: (r) => cliqueOfMixed(r, 100, rnd(r)),
    },
    {
      name: 'hub + 50 2-tops, party 12, maxTables 6',
      before: '12 ms',
      instances: 60,
      make: (r) => hub(r, 50, 6, rnd(r)),
    },
    {
      name: 'hub + 200 2-tops, party 12, maxTables 6',
      before: '3 s',
      instances: 20,
      make: (r) => hub(r, 200, 6, rnd(r)),
    },
    {
      name: 'hub + 200 2-tops, party 12, maxTables 7',
      before: '> 30 s',
      instances: 20,
      make: (r) => hub(r, 200, 7, rnd(r)),
    },
    {
      name: 'sparse 8-grid 600, party 21, no plan',
      before: '18 ms',
      instances: 40,
      make: (r) => sparseGrid(r, 600, 4),
    },
    {
      name: 'sparse 8-grid 1200, party 21, no plan',
      before: '42 ms',
      instances: 40,
      make: (r) => sparseGrid(r, 1200, 4),
    },
    {
      name: 'free hall 600, party 13-30, maxTables 4',
      before: 'p99 121 ms',
      instances: 200,
      make: (r) => freeHall(r, 600, rnd(r)),
    },
  ]
}

/** busy share of an instance: a free floor half the time, else up to 30% busy */
const rnd = (rng: Rng): number => (rng() < 0.5 ? 0 : rng() * 0.3)

/**
 * The family's random instances, made one at a time as they are read: a run holds one floor at
 * a time, as the engine would, so a pause to collect the last floor's garbage (a 200-clique's
 * adjacency is 19,900 arrays) is not charged to the next floor's first quote.
 */
export function* familyInputs(
  family: AdversarialFamily,
  seed: number,
  count = family.instances,
): Generator<QuoteInput> {
  const rng = seededRandom(seed)
  for (let i = 0; i < count; i++) yield family.make(rng)
}

/** What the planner did before issue 9 (commit 1de66df), on these generators: see bench/README.md. */
export const MEASURED_BEFORE: Record<string, string> = {
  'clique 2-tops 40, party 11-12, maxTables 6': 'p50 6.7 ms, max 15.8 ms (10 instances)',
  'clique 2-tops 100, party 11-12, maxTables 6': 'p50 65 ms, max 411 ms (10)',
  'clique 2-tops 200, party 11-12, maxTables 6': 'p50 3.2 s, max 9.5 s (4)',
  'clique 3/4/5-tops 60, party 29, maxTables 6': 'p50 56 ms, max 202 ms (10)',
  'clique 3/4/5-tops 100, party 29, maxTables 6': 'p50 15.5 s, max 25.6 s (4)',
  'hub + 50 2-tops, party 12, maxTables 6': 'p50 21 ms, max 57 ms (10)',
  'hub + 200 2-tops, party 12, maxTables 6': 'p50 231 ms, max 732 ms (3)',
  'hub + 200 2-tops, party 12, maxTables 7': 'p50 196 ms, max 196 ms (2)',
  'sparse 8-grid 600, party 21, no plan': 'p50 10 ms, max 26 ms (10)',
  'sparse 8-grid 1200, party 21, no plan': 'p50 10 ms, max 54 ms (10)',
  'free hall 600, party 13-30, maxTables 4': 'p50 1.4 ms, max 161 ms (40)',
}
