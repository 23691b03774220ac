// Strategies beyond optimal_fit: documented scorings over valid plans (planner/strategies.ts).
import { describe, expect, it } from 'vitest'
import { quoteTables, STRATEGIES } from '../../../planner/index'
import { WINDOW, plansOf, reasonOf, request, table } from './helpers'

describe('strategies', () => {
  it('optimal_fit is the default', () => {
    const input = request([table('A', 10), table('B', 4), table('C', 4)], 8, { adjacency: [['B', 'C']] })
    expect(plansOf(quoteTables(input))).toEqual(plansOf(quoteTables({ ...input, strategy: 'optimal_fit' })))
    expect(plansOf(quoteTables(input))).toEqual(['B+C', 'A'])
  })

  it('an unknown strategy is INVALID_REQUEST', () => {
    expect(reasonOf(quoteTables(request([table('A', 4)], 2, { strategy: 'random' })))).toBe('INVALID_REQUEST')
  })

  it('every strategy returns the same valid plans, ordered differently, with non-decreasing scores', () => {
    const tables = [
      table('A', 10),
      table('B', 4),
      table('C', 4),
      table('D', 6, { zoneId: 'terrace' }),
      table('E', 2, { zoneId: 'terrace' }),
    ]
    const base = request(tables, 6, {
      adjacency: [
        ['B', 'C'],
        ['D', 'E'],
      ],
      limit: 50,
      preferredZoneIds: ['terrace'],
    })
    const reference = plansOf(quoteTables(base)).sort()
    for (const strategy of STRATEGIES) {
      const q = quoteTables({ ...base, strategy })
      expect([...plansOf(q)].sort(), strategy).toEqual(reference)
      const scores = q.ok ? q.plans.map((p) => p.score) : []
      expect(scores, strategy).toEqual([...scores].sort((a, b) => a - b))
    }
  })

  describe('adjacency_first', () => {
    it('puts single tables before merges, then fewer tables, then less overage', () => {
      const q = quoteTables(
        request([table('A', 10), table('B', 4), table('C', 4), table('D', 2)], 8, {
          adjacency: [
            ['B', 'C'],
            ['C', 'D'],
          ],
          strategy: 'adjacency_first',
        }),
      )
      expect(plansOf(q)).toEqual(['A', 'B+C', 'B+C+D'])
    })
    it('puts connected merges before unconnected ones when adjacency is not required', () => {
      const q = quoteTables(
        request([table('B', 4), table('C', 4), table('E', 4), table('F', 6)], 8, {
          adjacency: [['B', 'C']],
          requireAdjacency: false,
          strategy: 'adjacency_first',
          limit: 4,
        }),
      )
      // B+C (connected, overage 0) first; then the unconnected pairs by overage and ids
      expect(plansOf(q)).toEqual(['B+C', 'B+E', 'C+E', 'B+F'])
    })
  })

  describe('zone_preference', () => {
    const tables = [
      table('BAR', 4, { zoneId: 'bar' }),
      table('ROOM', 6, { zoneId: 'room' }),
      table('TER', 8, { zoneId: 'terrace' }),
    ]
    it('puts plans of the preferred zones first, in the listed order, then the other zones', () => {
      const q = quoteTables(request(tables, 4, { strategy: 'zone_preference', preferredZoneIds: ['terrace', 'room'] }))
      expect(plansOf(q)).toEqual(['TER', 'ROOM', 'BAR'])
      const q2 = quoteTables(request(tables, 4, { strategy: 'zone_preference', preferredZoneIds: ['room'] }))
      expect(plansOf(q2)).toEqual(['ROOM', 'BAR', 'TER'])
    })
    it('without preferences it is optimal_fit', () => {
      expect(plansOf(quoteTables(request(tables, 4, { strategy: 'zone_preference' })))).toEqual(['BAR', 'ROOM', 'TER'])
    })
  })

  describe('load_balancing', () => {
    const tables = [
      table('I1', 4, { zoneId: 'in' }),
      table('I2', 4, { zoneId: 'in' }),
      table('I3', 2, { zoneId: 'in' }),
      table('O1', 4, { zoneId: 'out' }),
      table('O2', 6, { zoneId: 'out' }),
    ]
    const busy = [{ tableId: 'I2', start: WINDOW.start, end: WINDOW.end }]
    it('prefers the zone with the lower busy share during the window', () => {
      const q = quoteTables(request(tables, 4, { busy, strategy: 'load_balancing' }))
      // in: 4 of 10 seats busy (penalty 160); out: 0
      expect(plansOf(q)).toEqual(['O1', 'I1', 'O2'])
      expect(q.ok && q.plans.map((p) => p.score)).toEqual([0, 1.6, 2])
      expect(plansOf(quoteTables(request(tables, 4, { busy })))).toEqual(['I1', 'O1', 'O2'])
    })
    it('trades at most 4 seats of overage for an empty zone', () => {
      const q = quoteTables(request(tables, 4, { busy, strategy: 'load_balancing', avoidTableIds: ['O1'] }))
      expect(plansOf(q)).toEqual(['I1', 'O2'])
    })
    it('takes the caller zoneLoad when given', () => {
      const q = quoteTables(
        request(tables, 4, { busy, strategy: 'load_balancing', avoidTableIds: ['O1'], zoneLoad: { in: 1, out: 0 } }),
      )
      expect(plansOf(q)).toEqual(['O2', 'I1'])
    })
  })

  describe('scarcity', () => {
    // H is the 8-top hub (adjacent to the 2-tops A, B, C); P and Q are a pair of 4-tops.
    const tables = [table('H', 8), table('A', 2), table('B', 2), table('C', 2), table('P', 4), table('Q', 4)]
    const adjacency: Array<[string, string]> = [
      ['H', 'A'],
      ['H', 'B'],
      ['H', 'C'],
      ['P', 'Q'],
    ]
    it('keeps the big, well-connected table free when a merge of ordinary tables fits', () => {
      expect(plansOf(quoteTables(request(tables, 8, { adjacency })))[0]).toBe('H')
      const q = quoteTables(request(tables, 8, { adjacency, strategy: 'scarcity' }))
      // costs: H 10 (largest) + 10 (most neighbours) = 20; P, Q 6 + 3 = 9 each
      expect(plansOf(q).slice(0, 2)).toEqual(['P+Q', 'H'])
      expect(q.ok && q.plans.slice(0, 2).map((p) => p.score)).toEqual([1.8, 2])
    })
    it('still prefers a tight fit over wasting many seats', () => {
      const q = quoteTables(request(tables, 2, { adjacency, strategy: 'scarcity' }))
      expect(plansOf(q).slice(0, 3)).toEqual(['A', 'B', 'C'])
    })
  })
})
