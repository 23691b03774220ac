// Exact k-best search over the valid plans of the given zones: single tables first (they fill
// the k best cheaply and tighten the bounds), then merges zone by zone, by connected-set or by
// plain-subset branch and bound. Nothing is capped: every branch left out is proven unable to
// seat the party or worse than the current k-th plan.
//
// Choice: minParty / maxParty apply to single tables only. A merge of several tables seats any
// party up to its total capacity: the members' own limits describe how a table is used alone
// (a 6-top with minParty 4 may still be half of a 10-person merge).
import { searchConnected } from './connected-sets'
import type { Floor } from './floor'
import type { Scoring } from './strategies'
import { searchSubsets } from './subsets'
import type { TopK } from './topk'
import type { Workspace } from './workspace'
import { loadZone, type SearchStats, type TwinReduction } from './zone-context'

export interface SearchSpec {
  floor: Floor
  workspace: Workspace
  flags: Uint8Array
  /** availability flags that exclude a table (BUSY | AVOIDED, or AVOIDED to ignore busy windows) */
  excludeMask: number
  zones: number[]
  partySize: number
  maxTables: number
  requireAdjacency: boolean
  scoring: Scoring
  topk: TopK
  stats: SearchStats
}

export function searchPlans(spec: SearchSpec): void {
  searchSingles(spec)
  if (spec.maxTables < 2) return
  const { floor, scoring, topk, stats, workspace } = spec
  const ctx = workspace.zone
  const twins: TwinReduction = {
    keep: spec.maxTables + topk.k - 1,
    kept: workspace.twinKept,
    byCapacity: !spec.requireAdjacency && scoring.wDisconnected === 0,
  }
  ctx.topk = topk
  ctx.stats = stats
  for (const z of spec.zones) {
    const offset = scoring.zoneOffset ? (scoring.zoneOffset[z] as number) : 0
    if (!topk.admits(offset + 2 * scoring.wCount, 0, 2)) continue
    const loaded = loadZone(
      ctx,
      floor,
      z,
      spec.flags,
      spec.excludeMask,
      spec.partySize,
      spec.maxTables,
      scoring,
      workspace.localIndex,
      twins,
    )
    if (!loaded) continue
    stats.zonesSearched++
    if (spec.requireAdjacency) searchConnected(ctx)
    else searchSubsets(ctx)
  }
}

function searchSingles(spec: SearchSpec): void {
  const { floor, flags, excludeMask, partySize: p, scoring, topk, stats } = spec
  const { costs, wOver, wCount } = scoring
  const rank = spec.workspace.zone.ranks
  for (const z of spec.zones) {
    const offset = scoring.zoneOffset ? (scoring.zoneOffset[z] as number) : 0
    const list = floor.zoneTables[z] as Int32Array
    // smallest tables first: the best fits come first and, without per-table costs, the key only
    // grows from there, so the first table that cannot enter ends the zone
    for (let i = list.length - 1; i >= 0; i--) {
      const t = list[i] as number
      const cap = floor.cap[t] as number
      if (cap < p) continue
      const overage = cap - p
      const cost = costs ? (costs[t] as number) : 0
      const primary = offset + wOver * overage + wCount + cost
      if (!topk.admits(primary, overage, 1)) {
        if (costs) continue
        break
      }
      if ((flags[t] as number) & excludeMask) continue
      if ((floor.minParty[t] as number) > p || (floor.maxParty[t] as number) < p) continue
      stats.candidatesEvaluated++
      rank[0] = floor.idRank[t] as number
      topk.offer(primary, overage, 1, rank, cap, z)
    }
  }
}
