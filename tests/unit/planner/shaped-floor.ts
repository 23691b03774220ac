// Seeded floors with the shapes the planner's shortcuts are for (issue 9), small enough for the
// brute-force model: cliques (true twins, closed nodes), hubs (open twins), many identical tables
// (complete bipartite halves), sparse grids whose large tables are far apart (ball bound), and
// halls without adjacency (capacity classes). Classes are made larger than maxTables + limit - 1
// so the twin reduction really drops tables.
import type { QuoteInput, TableSpec } from '../../../planner/index'
import { int, pick, type Rng } from './random-floor'

export const SHAPES = ['clique', 'hub', 'bipartite', 'sparseGrid', 'hall'] as const
export type Shape = (typeof SHAPES)[number]

const WINDOW = { start: 1_800_000_000_000, end: 1_800_000_000_000 + 7_200_000 }

function ids(rng: Rng, n: number): string[] {
  const out = new Set<string>()
  while (out.size < n) out.add(`${pick(rng, ['A', 'a', 'T', 'b', ''])}${int(rng, 1, 60)}`)
  return [...out]
}

function clique(list: string[], edges: Array<[string, string]>): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) edges.push([list[i] as string, list[j] as string])
  }
}

export interface ShapedOptions {
  strategy?: string
}

export function shapedQuoteInput(rng: Rng, shape: Shape, options: ShapedOptions = {}): QuoteInput {
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  let requireAdjacency = true
  let partySize = 2
  const zones = int(rng, 1, 2)
  for (let z = 0; z < zones; z++) {
    const zoneId = `zone-${z}`
    if (shape === 'clique') {
      const n = int(rng, 5, 12 - 3 * z)
      const caps = pick(rng, [[2], [3, 4, 5], [2, 4]])
      const list = ids(rng, n).map((id) => `${zoneId}/${id}`)
      for (const id of list) tables.push({ id, zoneId, capacity: pick(rng, caps) })
      clique(list, adjacency)
      partySize = int(rng, 5, 16)
    } else if (shape === 'hub') {
      const n = int(rng, 5, 12 - 3 * z)
      const list = ids(rng, n + 1).map((id) => `${zoneId}/${id}`)
      const hubId = list[0] as string
      tables.push({ id: hubId, zoneId, capacity: pick(rng, [2, 4]) })
      for (const id of list.slice(1)) {
        tables.push({ id, zoneId, capacity: rng() < 0.8 ? 2 : 4 })
        adjacency.push(rng() < 0.5 ? [hubId, id] : [id, hubId])
      }
      partySize = int(rng, 4, 12)
    } else if (shape === 'bipartite') {
      // every table of one side adjacent to every table of the other; some sides also a clique
      const a = ids(rng, int(rng, 2, 7)).map((id) => `${zoneId}/L${id}`)
      const b = ids(rng, int(rng, 2, 7)).map((id) => `${zoneId}/R${id}`)
      for (const id of a) tables.push({ id, zoneId, capacity: 2 })
      for (const id of b) tables.push({ id, zoneId, capacity: pick(rng, [2, 4]) })
      for (const x of a) for (const y of b) adjacency.push([x, y])
      if (rng() < 0.5) clique(b, adjacency)
      partySize = int(rng, 4, 14)
    } else if (shape === 'sparseGrid') {
      const rows = int(rng, 3, 4)
      const cols = int(rng, 3, 4)
      const list = ids(rng, rows * cols).map((id) => `${zoneId}/${id}`)
      const at = (r: number, c: number): string => list[r * cols + c] as string
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          tables.push({ id: at(r, c), zoneId, capacity: rng() < 0.2 ? 10 : 2 })
          if (c > 0) adjacency.push([at(r, c - 1), at(r, c)])
          if (r > 0) adjacency.push([at(r - 1, c), at(r, c)])
          if (r > 0 && c > 0) adjacency.push([at(r - 1, c - 1), at(r, c)])
          if (r > 0 && c + 1 < cols) adjacency.push([at(r - 1, c + 1), at(r, c)])
        }
      }
      partySize = int(rng, 12, 24)
    } else {
      requireAdjacency = false
      const n = int(rng, 6, 14 - 4 * z)
      const caps = pick(rng, [[2, 4], [2, 4, 6], [2, 2, 4, 6, 8, 10], [4]])
      for (const id of ids(rng, n)) {
        const t: TableSpec = { id: `${zoneId}/${id}`, zoneId, capacity: pick(rng, caps) }
        if (rng() < 0.1) t.mergeable = false
        tables.push(t)
      }
      // a few edges: only strategies that score adjacency (adjacency_first, scarcity) see them
      for (let i = 0; i < 4; i++) adjacency.push([pick(rng, tables).id, pick(rng, tables).id])
      partySize = int(rng, 5, 24)
    }
  }
  const busy: QuoteInput['busy'] = []
  const busyShare = rng() < 0.5 ? 0 : rng() * 0.4
  for (const t of tables) if (rng() < busyShare) busy.push({ tableId: t.id, start: WINDOW.start - 1, end: WINDOW.end })
  const input: QuoteInput = {
    tables,
    adjacency,
    busy,
    partySize,
    window: WINDOW,
    maxTables: int(rng, 2, shape === 'hall' ? 4 : 5),
    requireAdjacency,
    limit: int(rng, 1, 4),
  }
  if (shape === 'hall' && rng() < 0.2) input.requireAdjacency = true
  if (rng() < 0.15) input.avoidTableIds = [pick(rng, tables).id]
  if (options.strategy) {
    input.strategy = options.strategy
    if (options.strategy === 'zone_preference') input.preferredZoneIds = ['zone-1']
  }
  return input
}
