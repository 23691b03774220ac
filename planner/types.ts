// Public types of the planner (contract: docs/planner.md), plus the documented extension fields.

export interface TableSpec {
  id: string
  zoneId: string
  capacity: number
  /** default 1: a single table never seats a smaller party */
  minParty?: number
  /** default capacity */
  maxParty?: number
  /** default true: may be combined with other tables */
  mergeable?: boolean
  /** default true */
  active?: boolean
}

export interface BusyWindow {
  tableId: string
  /** epoch ms, half-open [start, end) */
  start: number
  end: number
}

export interface QuoteInput {
  tables: TableSpec[]
  /** undirected edges */
  adjacency: Array<[string, string]>
  busy: BusyWindow[]
  partySize: number
  /** epoch ms, half-open */
  window: { start: number; end: number }
  /** only tables of this zone */
  zoneId?: string | null
  /** default 3 */
  maxTables?: number
  /** default true */
  requireAdjacency?: boolean
  avoidTableIds?: string[]
  /** plans to return, best first; default 5 */
  limit?: number
  /** default 'optimal_fit' */
  strategy?: string

  // ---- extension fields (not in the contract; all optional) ----
  /**
   * Identity of the floor (tables + adjacency) for the per-floor precomputation cache.
   * The cache is keyed by the `tables` array identity, the `adjacency` array identity and this
   * string; change it whenever you mutate those arrays in place.
   */
  floorVersion?: string
  /** zone_preference: zones in order of preference; unlisted zones come after all listed ones. */
  preferredZoneIds?: string[]
  /** load_balancing: override the computed busy share (0..1) per zone id. */
  zoneLoad?: Record<string, number>
  /** Clock used only for stats.durationMs; defaults to globalThis.performance.now when present. */
  now?: () => number
}

export interface Plan {
  /** ascending, JavaScript string order */
  tableIds: string[]
  zoneId: string
  capacity: number
  overage: number
  /** lower is better; non-decreasing along `plans` (see planner/strategies.ts for each strategy) */
  score: number
}

export type PlannerReason =
  'INVALID_REQUEST' | 'NO_TABLES_IN_ZONE' | 'PARTY_TOO_LARGE' | 'ADJACENCY_UNSATISFIED' | 'NO_AVAILABILITY'

/**
 * What the search did. Besides the contract's fields the planner reports: nodesVisited (search
 * branches entered), prunedByCapacityBound (branches that could not reach the party even with
 * the largest tables left), prunedByOverageBound (branches whose best possible key — overage,
 * table count, strategy cost, ids — could not beat the current k-th plan), zonesSearched (zones
 * whose merges were searched), freeTables (usable tables in the searched zones), floorCacheHit
 * and strategy.
 */
export interface PlannerStats {
  /** valid plans scored against the k best */
  candidatesEvaluated: number
  durationMs?: number
  [k: string]: unknown
}

export type Quote =
  { ok: true; plans: Plan[]; stats: PlannerStats } | { ok: false; reason: PlannerReason; stats: PlannerStats }

export const STRATEGIES = ['optimal_fit', 'adjacency_first', 'zone_preference', 'load_balancing', 'scarcity'] as const

export type StrategyName = (typeof STRATEGIES)[number]
