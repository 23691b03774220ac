// Floors where a great many plans tie on overage and table count, so only the ids decide.
// The search must stay exact (same top-k as the reference) and small (deterministic node counts).
import { describe, expect, it } from 'vitest'
import { quoteTables, type QuoteInput } from '../../../planner/index'
import { plansOf, request, table } from './helpers'
import { referenceQuote } from './reference-model'

function identicalTables(n: number, capacity: number) {
  return Array.from({ length: n }, (_, i) => table(`t${i}`, capacity))
}

function completeGraph(n: number): Array<[string, string]> {
  const edges: Array<[string, string]> = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([`t${i}`, `t${j}`])
  return edges
}

describe('many tied plans', () => {
  it('match the reference on small floors of identical tables', () => {
    for (const n of [5, 8, 11]) {
      for (const party of [3, 5, 7]) {
        for (const requireAdjacency of [true, false]) {
          const input: QuoteInput = request(identicalTables(n, 2), party, {
            adjacency: completeGraph(n).filter((_, i) => i % 3 !== 1),
            requireAdjacency,
            maxTables: 4,
            limit: 6,
          })
          const expected = referenceQuote(input)
          expect(quoteTables(input).ok && plansOf(quoteTables(input))).toEqual(
            expected.ok && expected.plans.map((p) => p.tableIds.join('+')),
          )
        }
      }
    }
  })

  it('150 identical 2-tops, odd party, no adjacency: every 4-table plan ties, the search stays small', () => {
    const q = quoteTables(request(identicalTables(150, 2), 7, { requireAdjacency: false, maxTables: 4, limit: 8 }))
    // ids in string order: t0 < t1 < t10 < t100 < t101 ...
    expect(plansOf(q).slice(0, 3)).toEqual(['t0+t1+t10+t100', 't0+t1+t10+t101', 't0+t1+t10+t102'])
    expect(q.stats.nodesVisited as number).toBeLessThan(1_000)
  })

  it('150 identical 2-tops that are all adjacent to each other: the same answer, still small', () => {
    const q = quoteTables(
      request(identicalTables(150, 2), 7, { adjacency: completeGraph(150), maxTables: 4, limit: 8 }),
    )
    expect(plansOf(q).slice(0, 3)).toEqual(['t0+t1+t10+t100', 't0+t1+t10+t101', 't0+t1+t10+t102'])
    expect(q.stats.nodesVisited as number).toBeLessThan(5_000)
  })
})
