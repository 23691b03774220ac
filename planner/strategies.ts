// Strategies: each is a scoring of VALID plans (validity never depends on the strategy).
//
// Every strategy orders plans by the key (primary, overage, tableCount, ids) where
//   primary = wOver * overage + wCount * tableCount + zoneOffset[zone] + sum(cost[table])
//             + (tables not connected in the adjacency graph ? wDisconnected : 0)
// with non-negative integer weights, offsets and costs, so a partial table set gives a lower
// bound of the key of every set that extends it (planner/zone-context.ts prunes with it).
//
// - optimal_fit (default): primary = overage. The contract's order (overage, tables, ids).
//   score = overage + (tables - 1) / tables (lower is better; the fraction is < 1, so the score
//   follows the order; plans that differ only in ids share a score).
// - adjacency_first: single tables first, then merges whose tables are connected in the adjacency
//   graph (all merges are when requireAdjacency is true), then unconnected merges; within a tier
//   fewer tables first, then lower overage. Key (disconnected, tables, overage, ids).
//   score = primary with B = total floor capacity + 1 and M = min(maxTables, tables on floor):
//   disconnected * (M + 1) * B + tables * B + overage.
// - zone_preference: plans in `preferredZoneIds[0]` first, then `[1]`, ..., then every other zone
//   (one tier); within a tier optimal_fit. score = primary = rank * B + overage.
// - load_balancing: spreads parties over zones by current load. share(zone) = capacity of the
//   zone's active tables that are busy during the window / capacity of its active tables (or the
//   caller's `zoneLoad[zoneId]`). primary = 100 * overage + round(400 * share): a completely full
//   zone costs as much as 4 extra seats. score = primary / 100.
// - scarcity: keeps free the tables that are hardest to replace. For a free candidate table t of
//   zone z (F = the free candidate tables of z, n = |F|):
//     sizeCost(t)  = round(10 * |{u in F : capacity(u) < capacity(t)}| / max(1, n - 1))
//     mergeCost(t) = round(10 * degree(t) / maxDegree) (0 when maxDegree is 0 or t is not
//                    mergeable), degree = adjacent mergeable tables in F
//   primary = 10 * overage + sum(sizeCost + mergeCost): using the zone's biggest, best connected
//   table costs up to 2 extra seats. score = primary / 10.
import type { Availability } from './availability'
import { BUSY } from './availability'
import type { Floor } from './floor'
import type { StrategyName } from './types'

export interface Scoring {
  wOver: number
  wCount: number
  wDisconnected: number
  /** per table (global index); null = all zero */
  costs: Float64Array | null
  /** per zone; null = all zero */
  zoneOffset: Float64Array | null
  score(primary: number, overage: number, count: number): number
}

export interface ScoringContext {
  floor: Floor
  availability: Availability
  strategy: StrategyName
  maxTables: number
  /** mask of availability flags that exclude a table (BUSY | AVOIDED) */
  excludeMask: number
  preferredZoneIds: string[]
  zoneLoad: Record<string, number> | null
}

export function buildScoring(ctx: ScoringContext): Scoring {
  const { floor } = ctx
  const B = floor.totalCapacity + 1
  switch (ctx.strategy) {
    case 'optimal_fit':
      return OPTIMAL_FIT
    case 'adjacency_first': {
      const M = Math.min(ctx.maxTables, floor.n)
      return { ...base(1, (primary) => primary), wCount: B, wDisconnected: (M + 1) * B }
    }
    case 'zone_preference': {
      const zoneOffset = new Float64Array(floor.zoneIds.length)
      const listed = ctx.preferredZoneIds
      floor.zoneIds.forEach((id, z) => {
        const rank = listed.indexOf(id)
        zoneOffset[z] = (rank === -1 ? listed.length : rank) * B
      })
      return { ...base(1, (primary) => primary), zoneOffset }
    }
    case 'load_balancing':
      return { ...base(100, (primary) => primary / 100), zoneOffset: zonePenalties(ctx) }
    case 'scarcity':
      return { ...base(10, (primary) => primary / 10), costs: scarcityCosts(ctx) }
  }
}

const OPTIMAL_FIT: Scoring = base(1, (_primary, overage, count) => overage + (count - 1) / count)

function base(wOver: number, score: Scoring['score']): Scoring {
  return { wOver, wCount: 0, wDisconnected: 0, costs: null, zoneOffset: null, score }
}

/** Busy share of each zone's active capacity during the window. */
export function zoneLoadShares(floor: Floor, availability: Availability): Float64Array {
  const shares = new Float64Array(floor.zoneIds.length)
  floor.zoneTables.forEach((list, z) => {
    let busy = 0
    for (const t of list) if ((availability.flags[t] as number) & BUSY) busy += floor.cap[t] as number
    const total = floor.zoneActiveCapacity[z] as number
    shares[z] = total > 0 ? busy / total : 0
  })
  return shares
}

function zonePenalties(ctx: ScoringContext): Float64Array {
  const shares = zoneLoadShares(ctx.floor, ctx.availability)
  return shares.map((share, z) => {
    const given = ctx.zoneLoad?.[ctx.floor.zoneIds[z] as string]
    return Math.round(400 * (given ?? share))
  })
}

function scarcityCosts(ctx: ScoringContext): Float64Array {
  const { floor, availability, excludeMask } = ctx
  const costs = new Float64Array(floor.n)
  const inF = new Uint8Array(floor.n)
  for (const list of floor.zoneTables) {
    const free: number[] = []
    for (const t of list) {
      if (((availability.flags[t] as number) & excludeMask) === 0) {
        free.push(t)
        inF[t] = 1
      }
    }
    const degree = new Map<number, number>()
    let maxDegree = 0
    for (const t of free) {
      let d = 0
      for (let e = floor.nbrStart[t] as number; e < (floor.nbrStart[t + 1] as number); e++) {
        if (inF[floor.nbrList[e] as number]) d++
      }
      degree.set(t, d)
      if (d > maxDegree) maxDegree = d
    }
    const denominator = Math.max(1, free.length - 1)
    for (const t of free) {
      let smaller = 0
      for (const u of free) if ((floor.cap[u] as number) < (floor.cap[t] as number)) smaller++
      const sizeCost = Math.round((10 * smaller) / denominator)
      const mergeCost = maxDegree > 0 ? Math.round((10 * (degree.get(t) ?? 0)) / maxDegree) : 0
      costs[t] = sizeCost + mergeCost
    }
  }
  return costs
}
