// Branch and bound over all table sets (2..m tables) of one zone's local view, for requests that
// do not require adjacency. Sets are generated once each as increasing local index sequences.
// Local indices are sorted by capacity descending, so at index i the most any completion can
// add is the sum of the capacities right after i; when even that cannot reach the party at index
// i, it cannot at any later index (smaller table, smaller sums) and the loop stops. Branches
// whose key lower bound cannot beat the current k-th plan are skipped.
import { branchBound, evaluateSet, type ZoneContext } from './zone-context'

export function searchSubsets(ctx: ZoneContext): void {
  extend(ctx, 0, 0, 0, 0)
}

function extend(ctx: ZoneContext, from: number, size: number, c: number, cost: number): void {
  const { nl, m, lcap, lcost, stats, sub } = ctx
  for (let i = from; i < nl; i++) {
    const c2 = c + (lcap[i] as number)
    const cost2 = cost + (lcost[i] as number)
    sub[size] = i
    const verdict = branchBound(ctx, size + 1, c2, cost2, i + 1)
    if (verdict === 1) {
      stats.prunedByCapacityBound++
      break
    }
    if (verdict === 2) {
      stats.prunedByOverageBound++
      continue
    }
    stats.nodesVisited++
    if (size >= 1 && c2 >= ctx.p) evaluateSet(ctx, size + 1, c2, cost2, false)
    if (size + 1 < m) extend(ctx, i + 1, size + 1, c2, cost2)
  }
}
