// Why no valid plan exists (called only when the search found none), by the contract's
// precedence: NO_TABLES_IN_ZONE > PARTY_TOO_LARGE > ADJACENCY_UNSATISFIED > NO_AVAILABILITY.
// "With every table free" ignores busy windows only: zone, active, avoidTableIds, minParty /
// maxParty of single tables, mergeable and maxTables still apply.
import { AVOIDED, type Availability } from './availability'
import type { Floor } from './floor'
import { searchPlans } from './search'
import { buildScoring } from './strategies'
import type { PlannerReason } from './types'
import { TopK } from './topk'
import type { Workspace } from './workspace'
import { newSearchStats } from './zone-context'

export interface ReasonSpec {
  floor: Floor
  workspace: Workspace
  availability: Availability
  /** the zones the request may use (already filtered by zoneId) */
  zones: number[]
  zoneRequested: boolean
  partySize: number
  maxTables: number
  requireAdjacency: boolean
}

export function reasonForNoPlan(spec: ReasonSpec): PlannerReason {
  const { floor, availability, zones, partySize: p, maxTables } = spec
  if (spec.zoneRequested) {
    const z = zones[0]
    if (z === undefined || (floor.zoneTables[z] as Int32Array).length === 0) return 'NO_TABLES_IN_ZONE'
  }
  if (!anyPlanIgnoringAdjacency(floor, availability.flags, zones, p, maxTables)) return 'PARTY_TOO_LARGE'
  if (spec.requireAdjacency) {
    const topk = new TopK(1)
    searchPlans({
      floor,
      workspace: spec.workspace,
      flags: availability.flags,
      excludeMask: AVOIDED,
      zones,
      partySize: p,
      maxTables,
      requireAdjacency: true,
      scoring: buildScoring({
        floor,
        availability,
        strategy: 'optimal_fit',
        maxTables,
        excludeMask: AVOIDED,
        preferredZoneIds: [],
        zoneLoad: null,
      }),
      topk,
      stats: newSearchStats(),
    })
    if (topk.items.length === 0) return 'ADJACENCY_UNSATISFIED'
  }
  return 'NO_AVAILABILITY'
}

/** Does a single table fit, or do the largest mergeable tables of some zone reach the party? */
function anyPlanIgnoringAdjacency(
  floor: Floor,
  flags: Uint8Array,
  zones: number[],
  p: number,
  maxTables: number,
): boolean {
  for (const z of zones) {
    const list = floor.zoneTables[z] as Int32Array
    let mergedCount = 0
    let mergedCapacity = 0
    for (let i = 0; i < list.length; i++) {
      const t = list[i] as number
      if ((flags[t] as number) & AVOIDED) continue
      const cap = floor.cap[t] as number
      if (cap >= p && (floor.minParty[t] as number) <= p && (floor.maxParty[t] as number) >= p) return true
      // capacity descending: the first maxTables mergeable tables are the largest
      if (floor.mergeable[t] && mergedCount < maxTables) {
        mergedCount++
        mergedCapacity += cap
      }
    }
    if (maxTables >= 2 && mergedCount >= 2 && mergedCapacity >= p) return true
  }
  return false
}
