// Branch and bound over the connected table sets (2..m tables) of one zone's local view.
//
// Enumeration: every connected set is generated exactly once, from its smallest local index (the
// "root"). A node holds the set S and an extension list X (tables that may still be added: all
// adjacent to S, with index > root). The children take the tables of X one at a time, in order;
// the child of table w keeps the tables of X after w and adds w's neighbours with index > root
// that are neither in S nor adjacent to S ("exclusive" neighbours). A neighbour of S that is not
// in X was offered to an earlier sibling, so no set is reached twice, and every connected set
// whose smallest index is the root is reached (grow it from the root in order of discovery).
//
// Bounds (planner/zone-context.ts): local indices are sorted by capacity descending, so every
// table that may join a set rooted at r has index > r, and the tables added to a set can bring at
// most the sum of the largest capacities after r. A branch is cut when even that cannot reach
// the party, or when the lower bound of its key cannot beat the current k-th plan. A root whose
// capacity bound fails ends the root loop: every later root has smaller tables to work with.
import { branchBound, evaluateSet, type ZoneContext } from './zone-context'

export function searchConnected(ctx: ZoneContext): void {
  const { nl, nbrStart, nbrList, lcap, lcost, stats, ext, sub } = ctx
  for (let r = 0; r < nl - 1; r++) {
    sub[0] = r
    const verdict = branchBound(ctx, 1, lcap[r] as number, lcost[r] as number, r + 1)
    if (verdict === 1) {
      stats.prunedByCapacityBound++
      break
    }
    if (verdict === 2) {
      stats.prunedByOverageBound++
      continue
    }
    let len = 0
    for (let e = nbrStart[r] as number; e < (nbrStart[r + 1] as number); e++) {
      const u = nbrList[e] as number
      if (u > r) ext[nl + len++] = u
    }
    if (len === 0) continue
    stats.nodesVisited++
    block(ctx, r, 1)
    extend(ctx, r, 1, lcap[r] as number, lcost[r] as number, len)
    block(ctx, r, -1)
  }
}

/** Add delta to the neighbour-of-set counter of v and of its neighbours. */
function block(ctx: ZoneContext, v: number, delta: number): void {
  const { blocked, nbrStart, nbrList } = ctx
  blocked[v] = (blocked[v] as number) + delta
  for (let e = nbrStart[v] as number; e < (nbrStart[v + 1] as number); e++) {
    const u = nbrList[e] as number
    blocked[u] = (blocked[u] as number) + delta
  }
}

/** Children of the node (sub[0..size), capacity c, cost sum) whose extension list has extLen tables. */
function extend(ctx: ZoneContext, root: number, size: number, c: number, cost: number, extLen: number): void {
  const { nl, m, nbrStart, nbrList, lcap, lcost, stats, ext, blocked, sub } = ctx
  const base = size * nl
  const childBase = base + nl
  for (let i = 0; i < extLen; i++) {
    const w = ext[base + i] as number
    const c2 = c + (lcap[w] as number)
    const cost2 = cost + (lcost[w] as number)
    sub[size] = w
    const verdict = branchBound(ctx, size + 1, c2, cost2, root + 1)
    if (verdict !== 0) {
      if (verdict === 1) stats.prunedByCapacityBound++
      else stats.prunedByOverageBound++
      continue
    }
    stats.nodesVisited++
    if (c2 >= ctx.p) evaluateSet(ctx, size + 1, c2, cost2, true)
    if (size + 1 >= m) continue
    let len = 0
    for (let j = i + 1; j < extLen; j++) ext[childBase + len++] = ext[base + j] as number
    for (let e = nbrStart[w] as number; e < (nbrStart[w + 1] as number); e++) {
      const u = nbrList[e] as number
      if (u > root && blocked[u] === 0) ext[childBase + len++] = u
    }
    if (len === 0) continue
    block(ctx, w, 1)
    extend(ctx, root, size + 1, c2, cost2, len)
    block(ctx, w, -1)
  }
}
