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
// A root that passes is also checked against its ball (once the search has proved not cheap): the j tables a connected set adds to its
// root are all within j edges of it (through tables of index > root), so when for every j the j
// largest capacities within j edges cannot close the gap, no set rooted there seats the party
// (on a grid of 2-tops with 10-tops far apart this proves "no connected plan" root by root,
// without enumerating).
import { branchBound, evaluateSet, type ZoneContext } from './zone-context'

/**
 * The ball bound costs a breadth-first search per root; a search that has visited fewer nodes
 * than this is cheap anyway (every typical floor), so it starts only after them. Exactness does
 * not depend on it: the bound only skips roots that provably seat nobody.
 */
const BALL_AFTER_NODES = 64

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
    if (stats.nodesVisited >= BALL_AFTER_NODES && !ballCanReach(ctx, r)) {
      stats.prunedByBallBound++
      continue
    }
    stats.nodesVisited++
    ctx.openAfterRoot = nl - 1 - r
    block(ctx, r, r, 1)
    extend(ctx, r, 1, lcap[r] as number, lcost[r] as number, len)
    block(ctx, r, r, -1)
  }
}

/**
 * Add delta to the neighbour-of-set counter of v and of its neighbours, keeping count of the
 * tables after the root that are neither in the set nor adjacent to it (ctx.openAfterRoot).
 */
function block(ctx: ZoneContext, root: number, v: number, delta: number): void {
  const { blocked, nbrStart, nbrList } = ctx
  if (!ctx.trackClosed) {
    blocked[v] = (blocked[v] as number) + delta
    for (let e = nbrStart[v] as number; e < (nbrStart[v + 1] as number); e++) {
      const u = nbrList[e] as number
      blocked[u] = (blocked[u] as number) + delta
    }
    return
  }
  let opened = 0
  const before = blocked[v] as number
  blocked[v] = before + delta
  if (v > root) opened += before === 0 ? -1 : before + delta === 0 ? 1 : 0
  for (let e = nbrStart[v] as number; e < (nbrStart[v + 1] as number); e++) {
    const u = nbrList[e] as number
    const was = blocked[u] as number
    blocked[u] = was + delta
    if (u > root) opened += was === 0 ? -1 : was + delta === 0 ? 1 : 0
  }
  ctx.openAfterRoot += opened
}

/** Children of the node (sub[0..size), capacity c, cost sum) whose extension list has extLen tables. */
function extend(ctx: ZoneContext, root: number, size: number, c: number, cost: number, extLen: number): void {
  const { nl, m, nbrStart, nbrList, lcap, lcost, stats, ext, blocked, sub } = ctx
  const base = size * nl
  const childBase = base + nl
  // Closed node: every table after the root is in the set or adjacent to it, so nothing outside
  // the extension list can ever join this subtree (blocked tables are never added). With the
  // list in index order (capacity descending), the child of ext[i] can add at most the next
  // `room` capacities of the list; once that misses the party, every later child misses too.
  const room = m - size - 1
  let closed = ctx.trackClosed && ctx.openAfterRoot === 0
  // suffix capacity sums of this node's list, at this depth's own offset (children use theirs)
  const capBase = size * (nl + 1)
  const extCap = ctx.extCap
  if (closed) {
    for (let i = 1; i < extLen && closed; i++) closed = (ext[base + i - 1] as number) < (ext[base + i] as number)
    if (closed) {
      extCap[capBase + extLen] = 0
      for (let i = extLen - 1; i >= 0; i--) {
        extCap[capBase + i] = (extCap[capBase + i + 1] as number) + (lcap[ext[base + i] as number] as number)
      }
    }
  }
  for (let i = 0; i < extLen; i++) {
    const w = ext[base + i] as number
    const c2 = c + (lcap[w] as number)
    const cost2 = cost + (lcost[w] as number)
    if (closed) {
      const end = i + 1 + room < extLen ? i + 1 + room : extLen
      if (c2 + (extCap[capBase + i + 1] as number) - (extCap[capBase + end] as number) < ctx.p) {
        stats.prunedByCapacityBound++
        break
      }
    }
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
    block(ctx, root, w, 1)
    extend(ctx, root, size + 1, c2, cost2, len)
    block(ctx, root, w, -1)
  }
}

/**
 * Ball bound of root r: can the root plus j <= m - 1 tables within j edges of it (BFS through
 * tables of index > r) reach the party, for some j? Reuses the connectivity test's marks.
 */
function ballCanReach(ctx: ZoneContext, r: number): boolean {
  const { m, lcap, nbrStart, nbrList, mark, queue, ballTop } = ctx
  const need = ctx.p - (lcap[r] as number)
  if (need <= 0) return true
  if (ctx.markStamp >= 0x3fffffff) {
    mark.fill(0)
    ctx.markStamp = 0
  }
  const stamp = ++ctx.markStamp
  const most = m - 1
  mark[r] = stamp
  queue[0] = r
  let head = 0
  let tail = 1
  let filled = 0
  for (let depth = 1; depth <= most; depth++) {
    const levelEnd = tail
    for (; head < levelEnd; head++) {
      const v = queue[head] as number
      for (let e = nbrStart[v] as number; e < (nbrStart[v + 1] as number); e++) {
        const u = nbrList[e] as number
        if (u <= r || mark[u] === stamp) continue
        mark[u] = stamp
        queue[tail++] = u
        // keep the `most` largest capacities seen, descending
        const c = lcap[u] as number
        if (filled < most) filled++
        else if (c <= (ballTop[most - 1] as number)) continue
        let i = filled - 1
        while (i > 0 && (ballTop[i - 1] as number) < c) {
          ballTop[i] = ballTop[i - 1] as number
          i--
        }
        ballTop[i] = c
      }
    }
    let sum = 0
    const j = depth < filled ? depth : filled
    for (let i = 0; i < j; i++) sum += ballTop[i] as number
    if (sum >= need) return true
    ctx.budget -= tail - levelEnd
    if (tail === levelEnd || tail === ctx.nl - r) {
      // the ball stopped growing (or holds every table after the root): its `most` largest
      // are the best any size can do
      sum = 0
      for (let i = 0; i < filled; i++) sum += ballTop[i] as number
      return sum >= need
    }
  }
  return false
}
