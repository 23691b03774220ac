import type { MismatchKind } from '../vocabulary.ts'

/** One side of a shadow comparison: what a pipeline decided on the shared snapshot. */
export interface ShadowSide {
  seated: boolean
  tableIds: string[]
  zoneId: string | null
  /** the decide threw or timed out */
  error?: string
}

/**
 * Whether V3 would have done what legacy did, and if not, how it differs. Decisions are compared,
 * not commits: both ran on the same availability snapshot, so a difference is the pipelines', not
 * the race's. Order of kinds: error, then seated on one side only, then zone, then tables.
 */
export function compareDecisions(
  legacy: ShadowSide,
  v3: ShadowSide,
): { match: boolean; mismatchKind: MismatchKind | null } {
  if (v3.error || legacy.error) return { match: false, mismatchKind: 'error' }
  if (legacy.seated && !v3.seated) return { match: false, mismatchKind: 'legacy_seated_v3_not' }
  if (!legacy.seated && v3.seated) return { match: false, mismatchKind: 'v3_seated_legacy_not' }
  if (!legacy.seated && !v3.seated) return { match: true, mismatchKind: null }
  if (legacy.zoneId !== v3.zoneId) return { match: false, mismatchKind: 'different_zone' }
  const same =
    legacy.tableIds.length === v3.tableIds.length &&
    [...legacy.tableIds].sort().every((id, i) => id === [...v3.tableIds].sort()[i])
  return same ? { match: true, mismatchKind: null } : { match: false, mismatchKind: 'different_tables' }
}
