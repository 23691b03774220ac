// The contract's plan-validity and ordering rules, case by case (docs/planner.md).
import { describe, expect, it } from 'vitest'
import { quoteTables, type QuoteInput } from '../../../planner/index'
import { H, WINDOW, plansOf, reasonOf, request, table } from './helpers'

describe('busy windows are half-open', () => {
  const tables = [table('A', 4)]
  const busyQuote = (start: number, end: number) =>
    quoteTables(request(tables, 4, { busy: [{ tableId: 'A', start, end }] }))

  it('a booking that ends exactly when the window starts does not block', () => {
    expect(plansOf(busyQuote(WINDOW.start - 2 * H, WINDOW.start))).toEqual(['A'])
  })
  it('a booking that starts exactly when the window ends does not block', () => {
    expect(plansOf(busyQuote(WINDOW.end, WINDOW.end + 2 * H))).toEqual(['A'])
  })
  it('a 1 ms overlap at either end blocks', () => {
    expect(reasonOf(busyQuote(WINDOW.start - 2 * H, WINDOW.start + 1))).toBe('NO_AVAILABILITY')
    expect(reasonOf(busyQuote(WINDOW.end - 1, WINDOW.end + 2 * H))).toBe('NO_AVAILABILITY')
  })
  it('a booking inside or around the window blocks', () => {
    expect(reasonOf(busyQuote(WINDOW.start + 1, WINDOW.start + 2))).toBe('NO_AVAILABILITY')
    expect(reasonOf(busyQuote(WINDOW.start - H, WINDOW.end + H))).toBe('NO_AVAILABILITY')
  })
  it('an empty busy window blocks nothing', () => {
    expect(plansOf(busyQuote(WINDOW.start + H, WINDOW.start + H))).toEqual(['A'])
  })
  it('busy windows of other or unknown tables do not matter', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4)], 4, {
        busy: [
          { tableId: 'B', start: WINDOW.start, end: WINDOW.end },
          { tableId: 'ghost', start: WINDOW.start, end: WINDOW.end },
        ],
      }),
    )
    expect(plansOf(q)).toEqual(['A'])
  })
})

describe('single tables', () => {
  it('need capacity >= party', () => {
    expect(plansOf(quoteTables(request([table('A', 2), table('B', 4)], 3)))).toEqual(['B'])
  })
  it('never seat a party below minParty', () => {
    const q = quoteTables(request([table('BIG', 8, { minParty: 5 }), table('S', 4)], 4))
    expect(plansOf(q)).toEqual(['S'])
    expect(reasonOf(quoteTables(request([table('BIG', 8, { minParty: 5 })], 4)))).toBe('PARTY_TOO_LARGE')
    expect(plansOf(quoteTables(request([table('BIG', 8, { minParty: 5 })], 5)))).toEqual(['BIG'])
  })
  it('never seat a party above maxParty, which defaults to the capacity', () => {
    expect(plansOf(quoteTables(request([table('A', 6, { maxParty: 4 }), table('B', 8)], 5)))).toEqual(['B'])
    expect(plansOf(quoteTables(request([table('A', 6, { maxParty: 6 })], 6)))).toEqual(['A'])
  })
  it('a maxParty above the capacity does not stretch the table', () => {
    expect(reasonOf(quoteTables(request([table('A', 4, { maxParty: 6 })], 5)))).toBe('PARTY_TOO_LARGE')
  })
  it('non-mergeable tables still seat parties alone', () => {
    expect(plansOf(quoteTables(request([table('A', 4, { mergeable: false })], 3)))).toEqual(['A'])
  })
})

describe('merges', () => {
  it('A(4)-B(4)-C(2) for 8 gives A+B first', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4), table('C', 2)], 8, {
        adjacency: [
          ['A', 'B'],
          ['B', 'C'],
        ],
      }),
    )
    expect(plansOf(q)).toEqual(['A+B', 'A+B+C'])
    expect(q.ok && q.plans[0]).toMatchObject({ capacity: 8, overage: 0, zoneId: 'main' })
  })
  it('a chain A-C-B of 4-tops seats 12 with all three', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4), table('C', 4)], 12, {
        adjacency: [
          ['A', 'C'],
          ['C', 'B'],
        ],
      }),
    )
    expect(plansOf(q)).toEqual(['A+B+C'])
  })
  it('the ends of a chain are not adjacent to each other', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4), table('C', 2)], 8, {
        adjacency: [
          ['A', 'C'],
          ['C', 'B'],
        ],
      }),
    )
    expect(plansOf(q)).toEqual(['A+B+C'])
  })
  it('reversed, duplicate, self and unknown edges change nothing', () => {
    const tables = [table('A', 4), table('B', 4), table('C', 2), table('D', 6)]
    const clean = quoteTables(
      request(tables, 8, {
        adjacency: [
          ['A', 'B'],
          ['B', 'C'],
        ],
      }),
    )
    const messy = quoteTables(
      request(tables, 8, {
        adjacency: [
          ['B', 'A'],
          ['A', 'B'],
          ['B', 'A'],
          ['C', 'B'],
          ['B', 'C'],
          ['A', 'A'],
          ['D', 'ghost'],
          ['ghost', 'other-ghost'],
        ],
      }),
    )
    expect(plansOf(messy)).toEqual(plansOf(clean))
    expect(plansOf(clean)).toEqual(['A+B', 'A+B+C'])
  })
  it('need every table mergeable', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4, { mergeable: false }), table('C', 4)], 8, {
        adjacency: [
          ['A', 'B'],
          ['B', 'C'],
          ['C', 'A'],
        ],
      }),
    )
    expect(plansOf(q)).toEqual(['A+C'])
  })
  it('ignore minParty and maxParty of their members', () => {
    const tables = [table('A', 6, { minParty: 5, maxParty: 6 }), table('B', 6, { minParty: 5, maxParty: 6 })]
    expect(plansOf(quoteTables(request(tables, 10, { adjacency: [['A', 'B']] })))).toEqual(['A+B'])
    // party 4: neither table alone (minParty 5), but the merge is valid
    expect(plansOf(quoteTables(request(tables, 4, { adjacency: [['A', 'B']] })))).toEqual(['A+B'])
  })
  it('without requireAdjacency any tables of one zone combine', () => {
    const q = quoteTables(request([table('A', 4), table('B', 4)], 8, { requireAdjacency: false }))
    expect(plansOf(q)).toEqual(['A+B'])
    expect(reasonOf(quoteTables(request([table('A', 4), table('B', 4)], 8)))).toBe('ADJACENCY_UNSATISFIED')
  })
  it('respect maxTables (default 3)', () => {
    const tables = ['A', 'B', 'C', 'D'].map((id) => table(id, 2))
    const adjacency: Array<[string, string]> = [
      ['A', 'B'],
      ['B', 'C'],
      ['C', 'D'],
    ]
    expect(reasonOf(quoteTables(request(tables, 8, { adjacency })))).toBe('PARTY_TOO_LARGE')
    expect(plansOf(quoteTables(request(tables, 8, { adjacency, maxTables: 4 })))).toEqual(['A+B+C+D'])
    expect(reasonOf(quoteTables(request(tables, 3, { adjacency, maxTables: 1 })))).toBe('PARTY_TOO_LARGE')
  })
  it('never span zones, even across an edge between zones', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4, { zoneId: 'terrace' })], 8, { adjacency: [['A', 'B']] }),
    )
    expect(reasonOf(q)).toBe('PARTY_TOO_LARGE')
  })
  it('inactive tables neither seat nor bridge', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 2, { active: false }), table('C', 4)], 8, {
        adjacency: [
          ['A', 'B'],
          ['B', 'C'],
        ],
      }),
    )
    expect(reasonOf(q)).toBe('ADJACENCY_UNSATISFIED')
  })
})

describe('zones, avoid list, inactive tables', () => {
  const tables = [table('M1', 4), table('M2', 2), table('T1', 4, { zoneId: 'terrace' })]
  it('zoneId keeps only that zone', () => {
    const q = quoteTables(request(tables, 4, { zoneId: 'terrace' }))
    expect(plansOf(q)).toEqual(['T1'])
    expect(q.ok && q.plans[0]?.zoneId).toBe('terrace')
  })
  it('zoneId null means any zone', () => {
    expect(plansOf(quoteTables(request(tables, 4, { zoneId: null })))).toEqual(['M1', 'T1'])
  })
  it('avoidTableIds removes tables; unknown ids are ignored', () => {
    expect(plansOf(quoteTables(request(tables, 4, { avoidTableIds: ['M1', 'nope'] })))).toEqual(['T1'])
  })
  it('inactive tables are never used', () => {
    const q = quoteTables(request([table('A', 4, { active: false }), table('B', 6)], 4))
    expect(plansOf(q)).toEqual(['B'])
  })
})

describe('order and limit', () => {
  it('orders by overage, then table count, then ids in JavaScript string order', () => {
    const tables = [table('a', 6), table('B', 6), table('T10', 4), table('T2', 2), table('T3', 2), table('T9', 8)]
    const q = quoteTables(
      request(tables, 6, {
        limit: 10,
        adjacency: [
          ['T10', 'T2'],
          ['T2', 'T3'],
        ],
      }),
    )
    // overage 0: the singles B and a ('B' < 'a'), then T10+T2 (two tables; 'T10' < 'T2');
    // overage 2: the single T9, then T10+T2+T3. T10+T3 is not adjacent.
    expect(plansOf(q)).toEqual(['B', 'a', 'T10+T2', 'T9', 'T10+T2+T3'])
  })
  it('sorts tableIds ascending in string order', () => {
    const q = quoteTables(
      request([table('b', 2), table('A', 2), table('C10', 2), table('C9', 2)], 8, {
        adjacency: [
          ['b', 'A'],
          ['A', 'C10'],
          ['C10', 'C9'],
        ],
        maxTables: 4,
      }),
    )
    expect(q.ok && q.plans[0]?.tableIds).toEqual(['A', 'C10', 'C9', 'b'])
  })
  it('returns exactly the best `limit` plans (default 5)', () => {
    const tables = Array.from({ length: 9 }, (_, i) => table(`T${i}`, 2 + (i % 3)))
    const all = quoteTables(request(tables, 2, { limit: 100 }))
    expect(all.ok && all.plans.length).toBe(9)
    expect(plansOf(quoteTables(request(tables, 2)))).toEqual(plansOf(all).slice(0, 5))
    expect(plansOf(quoteTables(request(tables, 2, { limit: 1 })))).toEqual(plansOf(all).slice(0, 1))
    expect(plansOf(quoteTables(request(tables, 2, { limit: 7 })))).toEqual(plansOf(all).slice(0, 7))
  })
  it('gives each plan its capacity, overage, zone and a score that never decreases', () => {
    const q = quoteTables(
      request([table('A', 4), table('B', 4), table('C', 6)], 4, { adjacency: [['A', 'B']], limit: 5 }),
    )
    expect(q.ok && q.plans).toEqual([
      { tableIds: ['A'], zoneId: 'main', capacity: 4, overage: 0, score: 0 },
      { tableIds: ['B'], zoneId: 'main', capacity: 4, overage: 0, score: 0 },
      { tableIds: ['C'], zoneId: 'main', capacity: 6, overage: 2, score: 2 },
      { tableIds: ['A', 'B'], zoneId: 'main', capacity: 8, overage: 4, score: 4.5 },
    ])
  })
})

describe('bad input answers INVALID_REQUEST and never throws', () => {
  const good = request([table('A', 4)], 2)
  const cases: Array<[string, unknown]> = [
    ['undefined input', undefined],
    ['null input', null],
    ['a string', 'tables please'],
    ['tables missing', { ...good, tables: undefined }],
    ['tables not an array', { ...good, tables: { A: 4 } }],
    ['adjacency missing', { ...good, adjacency: undefined }],
    ['busy not an array', { ...good, busy: 'none' }],
    ['partySize 0', { ...good, partySize: 0 }],
    ['partySize negative', { ...good, partySize: -2 }],
    ['partySize fractional', { ...good, partySize: 2.5 }],
    ['partySize NaN', { ...good, partySize: Number.NaN }],
    ['partySize Infinity', { ...good, partySize: Number.POSITIVE_INFINITY }],
    ['partySize a string', { ...good, partySize: '2' }],
    ['window missing', { ...good, window: undefined }],
    ['window empty', { ...good, window: { start: WINDOW.start, end: WINDOW.start } }],
    ['window reversed', { ...good, window: { start: WINDOW.end, end: WINDOW.start } }],
    ['window NaN', { ...good, window: { start: Number.NaN, end: WINDOW.end } }],
    ['maxTables 0', { ...good, maxTables: 0 }],
    ['maxTables fractional', { ...good, maxTables: 1.5 }],
    ['limit 0', { ...good, limit: 0 }],
    ['unknown strategy', { ...good, strategy: 'cheapest' }],
    ['requireAdjacency not boolean', { ...good, requireAdjacency: 'yes' }],
    ['avoidTableIds not an array', { ...good, avoidTableIds: 'A' }],
    ['zoneId a number', { ...good, zoneId: 3 }],
    ['duplicate table ids', { ...good, tables: [table('A', 4), table('A', 2)] }],
    ['table without id', { ...good, tables: [{ zoneId: 'main', capacity: 4 }] }],
    ['table capacity NaN', { ...good, tables: [table('A', Number.NaN)] }],
    ['table capacity negative', { ...good, tables: [table('A', -4)] }],
    ['table capacity fractional', { ...good, tables: [table('A', 2.5)] }],
    ['table minParty a string', { ...good, tables: [{ ...table('A', 4), minParty: '2' }] }],
    ['table active not boolean', { ...good, tables: [{ ...table('A', 4), active: 1 }] }],
    ['table entry null', { ...good, tables: [null] }],
    ['adjacency entry not a pair', { ...good, adjacency: [['A']] }],
    ['adjacency entry with numbers', { ...good, adjacency: [[1, 2]] }],
    ['busy entry without tableId', { ...good, busy: [{ start: 1, end: 2 }] }],
    ['busy entry reversed', { ...good, busy: [{ tableId: 'A', start: 5, end: 1 }] }],
    ['busy entry NaN', { ...good, busy: [{ tableId: 'A', start: Number.NaN, end: 1 }] }],
    ['preferredZoneIds not strings', { ...good, strategy: 'zone_preference', preferredZoneIds: [1] }],
    ['zoneLoad out of range', { ...good, strategy: 'load_balancing', zoneLoad: { main: 2 } }],
  ]
  for (const [name, input] of cases) {
    it(name, () => {
      const q = quoteTables(input as QuoteInput)
      expect(q.ok).toBe(false)
      expect(!q.ok && q.reason).toBe('INVALID_REQUEST')
      expect(q.stats.candidatesEvaluated).toBe(0)
    })
  }
  it('throwing getters in the input', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom')
        },
      },
    )
    expect(() => quoteTables(hostile as QuoteInput)).not.toThrow()
    expect(reasonOf(quoteTables(hostile as QuoteInput))).toBe('INVALID_REQUEST')
  })
  it('null optional fields count as absent', () => {
    const q = quoteTables({
      ...good,
      zoneId: null,
      maxTables: null,
      limit: null,
      strategy: null,
      tables: [{ ...table('A', 4), minParty: null, mergeable: null }],
    } as unknown as QuoteInput)
    expect(plansOf(q)).toEqual(['A'])
  })
})

describe('purity and stats', () => {
  const tables = [table('A', 4), table('B', 4), table('C', 2), table('D', 6, { zoneId: 'terrace' })]
  const adjacency: Array<[string, string]> = [
    ['A', 'B'],
    ['B', 'C'],
  ]

  it('does not modify its input and answers the same every time', () => {
    const input = request(tables, 6, { adjacency, busy: [{ tableId: 'D', start: 0, end: WINDOW.end }] })
    const frozen = JSON.parse(JSON.stringify(input)) as QuoteInput
    const deepFreeze = (o: object): void => {
      Object.freeze(o)
      for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v)
    }
    deepFreeze(frozen)
    const first = quoteTables(frozen)
    const second = quoteTables(frozen)
    expect(JSON.parse(JSON.stringify(frozen))).toEqual(JSON.parse(JSON.stringify(input)))
    expect(plansOf(second)).toEqual(plansOf(first))
    expect(plansOf(quoteTables(input))).toEqual(plansOf(first))
  })
  it('does not depend on the order of tables or edges', () => {
    const a = quoteTables(request(tables, 6, { adjacency, limit: 10 }))
    const b = quoteTables(request([...tables].reverse(), 6, { adjacency: [...adjacency].reverse(), limit: 10 }))
    expect(plansOf(b)).toEqual(plansOf(a))
  })
  it('reports candidatesEvaluated, pruning counters and durationMs from the injected clock', () => {
    let t = 100
    const q = quoteTables(request(tables, 6, { adjacency, now: () => (t += 7) }))
    expect(q.stats.durationMs).toBe(7)
    expect(q.stats.candidatesEvaluated).toBeGreaterThan(0)
    for (const key of ['prunedByCapacityBound', 'prunedByOverageBound', 'nodesVisited', 'zonesSearched']) {
      expect(typeof q.stats[key]).toBe('number')
    }
  })
  it('measures durationMs with performance.now by default and survives a throwing clock', () => {
    const q = quoteTables(request(tables, 6, { adjacency }))
    expect(typeof q.stats.durationMs).toBe('number')
    const broken = quoteTables(
      request(tables, 6, {
        adjacency,
        now: () => {
          throw new Error('no clock')
        },
      }),
    )
    expect(plansOf(broken)).toEqual(plansOf(q))
    expect(broken.stats.durationMs).toBeUndefined()
  })
  it('reuses the floor precomputation for the same arrays and drops it when floorVersion changes', () => {
    const input = request(tables, 6, { adjacency, floorVersion: 'v1' })
    quoteTables(input)
    expect(quoteTables({ ...input, partySize: 4 }).stats.floorCacheHit).toBe(true)
    expect(quoteTables({ ...input, floorVersion: 'v2' }).stats.floorCacheHit).toBe(false)
    expect(quoteTables({ ...input, floorVersion: 'v2' }).stats.floorCacheHit).toBe(true)
    expect(quoteTables({ ...input, floorVersion: 'v2', tables: [...tables] }).stats.floorCacheHit).toBe(false)
  })
  it('sees in-place floor edits once floorVersion changes', () => {
    const mutable = [table('A', 4)]
    const input = request(mutable, 6, { floorVersion: 'a' })
    expect(reasonOf(quoteTables(input))).toBe('PARTY_TOO_LARGE')
    mutable.push(table('B', 6))
    expect(plansOf(quoteTables({ ...input, floorVersion: 'b' }))).toEqual(['B'])
  })
  it('a clock that itself quotes does not disturb the outer quote', () => {
    const inner = request(tables, 2, { adjacency })
    const outer = request(tables, 8, { adjacency, now: () => (quoteTables(inner), 0) })
    expect(plansOf(quoteTables(outer))).toEqual(plansOf(quoteTables(request(tables, 8, { adjacency }))))
  })
})
