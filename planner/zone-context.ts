// The merge search of one zone works on a local view: the zone's usable mergeable tables sorted
// by capacity descending (then id ascending), with local capacities, costs, id ranks, capacity
// prefix sums and a local adjacency list. This module loads that view into reusable buffers and
// holds the operations both merge enumerations share: the branch bound and set evaluation.
import type { Floor } from './floor'
import type { Scoring } from './strategies'
import type { TopK } from './topk'

/**
 * Thrown when a quote run with a work budget (quoteTablesWithin) has considered more branches
 * than it may; the run is abandoned, never answered with a partial result.
 */
export const OUT_OF_BUDGET = { outOfBudget: true } as const

export interface SearchStats {
  candidatesEvaluated: number
  nodesVisited: number
  prunedByCapacityBound: number
  prunedByOverageBound: number
  prunedByBallBound: number
  zonesSearched: number
}

export function newSearchStats(): SearchStats {
  return {
    candidatesEvaluated: 0,
    nodesVisited: 0,
    prunedByCapacityBound: 0,
    prunedByOverageBound: 0,
    prunedByBallBound: 0,
    zonesSearched: 0,
  }
}

/**
 * Interchangeable tables enter a zone's merge search at most `keep` = maxTables + limit - 1 at a
 * time, the smallest ids first. Exact: let S be a valid merge that uses a table t of class C but
 * not among the `keep` smallest free ids of C. S uses at most maxTables - 1 other tables of C, so
 * at least `limit` smaller free tables u of C are outside S, and each S - t + u is a valid merge
 * with the same key up to the ids (same capacity, cost, zone, and adjacency up to the swap) whose
 * sorted ids are smaller. So `limit` plans beat S: S is not among the answer. Existence is kept
 * too (keep >= maxTables), so reasons are unchanged.
 *
 * Classes: with adjacency required (or scored, as adjacency_first does), the floor's twin classes
 * (same capacity and neighbourhood, planner/floor.ts); without, every table of one capacity and
 * cost is interchangeable.
 */
export interface TwinReduction {
  keep: number
  /** per twin class, tables kept so far; all 0 between zones */
  kept: Int32Array
  byCapacity: boolean
}

export interface ZoneContext {
  zone: number
  /** number of local tables */
  nl: number
  /** max tables per plan, <= nl */
  m: number
  p: number
  zoneOffset: number
  wOver: number
  wCount: number
  wDisconnected: number
  lcap: Float64Array
  lcost: Float64Array
  lrank: Int32Array
  /** prefix[i] = lcap[0] + ... + lcap[i - 1] */
  prefix: Float64Array
  /** least overage any set can have: capacities are multiples of their gcd d, so is any total */
  gcdOverage: number
  nbrStart: Int32Array
  nbrList: Int32Array
  /** enumeration state: current set, per-table neighbour-of-set counters, extension lists */
  sub: Int32Array
  blocked: Int32Array
  ext: Int32Array
  /** smallest[from * m + j] = the j-th smallest id rank among local indices >= from (j < m) */
  smallest: Int32Array
  /** `smallest` is filled on the first tie check of a zone */
  smallestReady: boolean
  /** scratch: a set's ranks for evaluation and for the tie bound, marks and queue for the
   * connectivity test */
  ranks: Int32Array
  tie: Int32Array
  mark: Int32Array
  queue: Int32Array
  markStamp: number
  /** scratch of the root ball bound (planner/connected-sets.ts): the largest capacities seen */
  ballTop: Float64Array
  /** tables after the current root neither in the set nor adjacent to it (connected-sets.ts) */
  openAfterRoot: number
  /**
   * whether openAfterRoot is kept: only in dense zones (on average 8 neighbours or more), the only
   * ones where a set soon neighbours every table; elsewhere the counting would cost for nothing
   */
  trackClosed: boolean
  /** scratch: suffix capacity sums of the extension lists, (m + 1) x (nl + 1) */
  extCap: Float64Array
  /** nodes left before a quote run with a work budget gives up (planner/budget.ts) */
  budget: number
  topk: TopK | null
  stats: SearchStats
}

/** Buffers for zones of up to `maxZone` tables and `maxEdges` directed edges. */
export function newZoneContext(maxZone: number, maxEdges: number): ZoneContext {
  const size = Math.max(1, maxZone)
  return {
    zone: 0,
    nl: 0,
    m: 0,
    p: 0,
    zoneOffset: 0,
    wOver: 1,
    wCount: 0,
    wDisconnected: 0,
    lcap: new Float64Array(size),
    lcost: new Float64Array(size),
    lrank: new Int32Array(size),
    prefix: new Float64Array(size + 1),
    gcdOverage: 0,
    nbrStart: new Int32Array(size + 1),
    nbrList: new Int32Array(Math.max(1, maxEdges)),
    sub: new Int32Array(size),
    blocked: new Int32Array(size),
    ext: new Int32Array(0),
    smallest: new Int32Array(0),
    smallestReady: false,
    ranks: new Int32Array(size),
    tie: new Int32Array(2 * size),
    mark: new Int32Array(size),
    queue: new Int32Array(size),
    markStamp: 0,
    ballTop: new Float64Array(size),
    openAfterRoot: 0,
    trackClosed: false,
    extCap: new Float64Array(0),
    budget: Number.POSITIVE_INFINITY,
    topk: null,
    stats: newSearchStats(),
  }
}

/**
 * Load zone z's usable mergeable tables into ctx. Returns false when fewer than two exist.
 * `localIndex` (floor.n entries) must be all -1; it is left all -1.
 */
export function loadZone(
  ctx: ZoneContext,
  floor: Floor,
  z: number,
  flags: Uint8Array,
  excludeMask: number,
  partySize: number,
  maxTables: number,
  scoring: Scoring,
  localIndex: Int32Array,
  twins: TwinReduction,
): boolean {
  const list = floor.zoneTables[z] as Int32Array
  const { lcap, lcost, lrank, prefix, nbrStart, nbrList } = ctx
  const costs = scoring.costs
  const { keep, kept, byCapacity } = twins
  // pass 1: local indices (capacity order is inherited from the zone list). Of each class of
  // interchangeable tables only the `keep` smallest ids enter (zone lists are id-ascending
  // within a capacity): see TwinReduction for why no plan of the answer is lost.
  let nl = 0
  let runCapacity = -1
  let runCount = 0
  let runCosts: Map<number, number> | null = null
  for (let i = 0; i < list.length; i++) {
    const t = list[i] as number
    if ((flags[t] as number) & excludeMask || !floor.mergeable[t]) continue
    if (byCapacity) {
      const capacity = floor.cap[t] as number
      if (capacity !== runCapacity) {
        runCapacity = capacity
        runCount = 0
        runCosts = null
      }
      if (costs) {
        runCosts ??= new Map()
        const cost = costs[t] as number
        const seen = runCosts.get(cost) ?? 0
        if (seen >= keep) continue
        runCosts.set(cost, seen + 1)
      } else if (runCount++ >= keep) continue
    } else {
      const c = floor.twinClass[t] as number
      if ((kept[c] as number) >= keep) continue
      kept[c] = (kept[c] as number) + 1
    }
    localIndex[t] = nl
    lcap[nl] = floor.cap[t] as number
    lcost[nl] = costs ? (costs[t] as number) : 0
    lrank[nl] = floor.idRank[t] as number
    prefix[nl + 1] = (prefix[nl] as number) + (lcap[nl] as number)
    nl++
  }
  if (!byCapacity) {
    for (let i = 0; i < list.length; i++) {
      const c = floor.twinClass[list[i] as number] as number
      if (c >= 0) kept[c] = 0
    }
  }
  const m = Math.min(maxTables, nl)
  if (nl < 2 || (prefix[m] as number) < partySize) {
    // fewer than two tables, or even the m largest cannot seat the party
    for (let i = 0; i < list.length; i++) localIndex[list[i] as number] = -1
    return false
  }
  // pass 2: local adjacency
  let edges = 0
  let li = 0
  for (let i = 0; i < list.length; i++) {
    const t = list[i] as number
    if ((localIndex[t] as number) < 0) continue
    nbrStart[li++] = edges
    for (let e = floor.nbrStart[t] as number; e < (floor.nbrStart[t + 1] as number); e++) {
      const u = localIndex[floor.nbrList[e] as number] as number
      if (u >= 0) nbrList[edges++] = u
    }
  }
  nbrStart[nl] = edges
  ctx.trackClosed = edges >= 8 * nl
  for (let i = 0; i < list.length; i++) localIndex[list[i] as number] = -1

  let d = 0
  for (let i = 0; i < nl; i++) d = gcd(d, lcap[i] as number)
  ctx.gcdOverage = d > 1 ? (d - (partySize % d)) % d : 0
  ctx.zone = z
  ctx.nl = nl
  ctx.m = m
  ctx.p = partySize
  ctx.zoneOffset = scoring.zoneOffset ? (scoring.zoneOffset[z] as number) : 0
  ctx.wOver = scoring.wOver
  ctx.wCount = scoring.wCount
  ctx.wDisconnected = scoring.wDisconnected
  const extSize = (m + 1) * nl
  if (ctx.ext.length < extSize) ctx.ext = new Int32Array(extSize)
  if (ctx.extCap.length < (m + 1) * (nl + 1)) ctx.extCap = new Float64Array((m + 1) * (nl + 1))
  ctx.smallestReady = false
  return true
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b
    a = b
    b = t
  }
  return a
}

/** Fill ctx.smallest from the end: the m smallest ranks after `from`, merged with lrank[from]. */
function loadSmallestRanks(ctx: ZoneContext): void {
  const { nl, m, lrank } = ctx
  const need = (nl + 1) * m
  if (ctx.smallest.length < need) ctx.smallest = new Int32Array(need)
  const smallest = ctx.smallest
  ctx.smallestReady = true
  const INF = 0x7fffffff
  smallest.fill(INF, nl * m, need)
  for (let from = nl - 1; from >= 0; from--) {
    const x = lrank[from] as number
    const out = from * m
    const inp = out + m
    let inserted = false
    let k = 0
    for (let j = 0; j < m; j++) {
      const y = smallest[inp + k] as number
      if (!inserted && x < y) {
        smallest[out + j] = x
        inserted = true
      } else {
        smallest[out + j] = y
        k++
      }
    }
  }
}

/** Sum of the j largest capacities among local indices >= from (they are sorted descending). */
export function topSum(ctx: ZoneContext, from: number, j: number): number {
  const end = from + j < ctx.nl ? from + j : ctx.nl
  return (ctx.prefix[end] as number) - (ctx.prefix[from] as number)
}

/**
 * Bound for the branch of all sets that contain the current set sub[0..size) (capacity c, cost
 * sum) plus at least max(0, 2 - size) more tables, where every added table has a local index
 * >= from. Returns 0 when the branch may hold a plan that enters the k best, 1 when no set of the
 * branch can reach the party (capacity bound), 2 when all of them are worse than the current k-th
 * plan (key bound).
 */
export function branchBound(ctx: ZoneContext, size: number, c: number, cost: number, from: number): number {
  if (--ctx.budget < 0) throw OUT_OF_BUDGET
  const p = ctx.p
  const room = ctx.m - size
  if (c + topSum(ctx, from, room) < p) return 1
  const extraMin = size < 2 ? 2 - size : 0
  if (extraMin > room) return 1
  const cMin = c + extraMin * (ctx.lcap[ctx.nl - 1] as number)
  let overage = 0
  let count = size + extraMin
  if (cMin >= p) {
    overage = cMin - p
  } else {
    let j = extraMin > 1 ? extraMin : 1
    while (j < room && c + topSum(ctx, from, j) < p) j++
    count = size + j
    // every total is a multiple of the zone's capacity gcd
    overage = ctx.gcdOverage
    if (room === 1) {
      // exactly one table may still be added: the best is the smallest one that is big enough
      const gap = p - c
      let lo = from
      let hi = ctx.nl - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if ((ctx.lcap[mid] as number) >= gap) lo = mid
        else hi = mid - 1
      }
      const best = (ctx.lcap[lo] as number) - gap
      if (best > overage) overage = best
    }
  }
  const primary = ctx.zoneOffset + ctx.wOver * overage + ctx.wCount * count + cost
  const topk = ctx.topk as TopK
  if (!topk.admits(primary, overage, count)) return 2
  if (primary === topk.worstPrimary && overage === topk.worstOverage && count === topk.worstCount) {
    // Only a tie on the whole key up to the ids can still enter. The smallest id sequence the
    // branch can produce is the current tables plus the smallest ranks available after `from`.
    if (!tieCanWin(ctx, size, count - size, from, topk)) return 2
  }
  return 0
}

/**
 * Could sub[0..size) plus `extra` tables of local index >= from have sorted ranks below the k-th
 * plan's? Merges the set's sorted ranks with the `extra` smallest ranks after `from` (a lower
 * bound of any completion, element by element) and compares with the k-th plan's ranks.
 */
function tieCanWin(ctx: ZoneContext, size: number, extra: number, from: number, topk: TopK): boolean {
  if (!ctx.smallestReady) loadSmallestRanks(ctx)
  const { tie, sub, lrank, smallest, m } = ctx
  for (let i = 0; i < size; i++) {
    const x = lrank[sub[i] as number] as number
    let j = i - 1
    while (j >= 0 && (tie[j] as number) > x) {
      tie[j + 1] = tie[j] as number
      j--
    }
    tie[j + 1] = x
  }
  const worst = topk.items[topk.items.length - 1]?.ranks ?? []
  const base = from * m
  // the m smallest ranks after `from` hold at most size - 1 of the set's own tables (the root is
  // before `from`), so skipping those still leaves at least m - size + 1 >= extra of them
  let a = 0
  let b = 0
  let taken = 0
  for (let i = 0; i < size + extra; i++) {
    while (taken < extra && b < m && inSorted(tie, size, smallest[base + b] as number)) b++
    const next = taken < extra && b < m ? (smallest[base + b] as number) : 0x7fffffff
    let v: number
    if (a < size && (tie[a] as number) < next) v = tie[a++] as number
    else {
      v = next
      b++
      taken++
    }
    const w = worst[i] as number
    if (v !== w) return v < w
  }
  return false
}

function inSorted(list: Int32Array, n: number, x: number): boolean {
  for (let i = 0; i < n; i++) {
    const y = list[i] as number
    if (y >= x) return y === x
  }
  return false
}

/** Offer the set sub[0..size) (capacity c >= p, cost sum) to the k best. */
export function evaluateSet(ctx: ZoneContext, size: number, c: number, cost: number, knownConnected: boolean): void {
  ctx.stats.candidatesEvaluated++
  const topk = ctx.topk as TopK
  const overage = c - ctx.p
  let primary = ctx.zoneOffset + ctx.wOver * overage + ctx.wCount * size + cost
  if (!topk.admits(primary, overage, size)) return
  if (ctx.wDisconnected > 0 && !knownConnected && !isConnected(ctx, size)) {
    primary += ctx.wDisconnected
  }
  const { ranks, sub, lrank } = ctx
  for (let i = 0; i < size; i++) ranks[i] = lrank[sub[i] as number] as number
  topk.offer(primary, overage, size, ranks, c, ctx.zone)
}

/** Are the local tables sub[0..size) connected through edges among themselves? */
export function isConnected(ctx: ZoneContext, size: number): boolean {
  const { mark, sub, queue, nbrStart, nbrList } = ctx
  if (ctx.markStamp >= 0x3fffffff) {
    mark.fill(0)
    ctx.markStamp = 0
  }
  const stamp = ++ctx.markStamp
  for (let i = 0; i < size; i++) mark[sub[i] as number] = stamp
  // members are marked `stamp`; visited members are marked -stamp
  queue[0] = sub[0] as number
  mark[sub[0] as number] = -stamp
  let tail = 1
  for (let q = 0; q < tail; q++) {
    const v = queue[q] as number
    for (let e = nbrStart[v] as number; e < (nbrStart[v + 1] as number); e++) {
      const u = nbrList[e] as number
      if (mark[u] === stamp) {
        mark[u] = -stamp
        queue[tail++] = u
      }
    }
  }
  return tail === size
}
