import { describe, expect, it } from 'vitest'
import { quoteTables } from '../../planner/index.ts'
import { scorePlans, SCORE_WEIGHTS } from '../../server/assignment/pipelines/v3/scoring.ts'
import { compareDecisions } from '../../server/assignment/shadow/compare.ts'

const tables = [
  { id: 'A', zoneId: 'z', capacity: 4 },
  { id: 'B', zoneId: 'z', capacity: 2 },
  { id: 'C', zoneId: 'z', capacity: 4, mergeable: false },
]
const window = { start: 0, end: 3_600_000 }
const base = {
  tables,
  adjacency: [['A', 'B']] as Array<[string, string]>,
  floorVersion: 'f1',
  busy: [],
  window,
  maxTables: 3,
  requireAdjacency: true,
}

describe('V3 look-ahead score', () => {
  const quote = quoteTables({ ...base, partySize: 2, limit: 5 })
  if (!quote.ok) throw new Error('fixture floor must seat two')
  const candidates = quote.plans.map((plan) => ({ plan, strategy: 'optimal_fit' }))

  it('without competitors it follows the fit: the two-top first', () => {
    const [best] = scorePlans(candidates, { ...base, partySize: 2, competing: [] })
    expect(best!.plan.tableIds).toEqual(['B'])
    expect(best!.score).toBe(0)
  })

  it('an equal score keeps the planner order (what legacy picks), whatever the table ids sort to', () => {
    // two identical two-tops: the planner lists T-1 first (key order); their ids sort the other way
    const twins = [
      { id: 'zz-uuid', key: 'T-1', zoneId: 'z', capacity: 2 },
      { id: 'aa-uuid', key: 'T-2', zoneId: 'z', capacity: 2 },
    ]
    const plans = [{ tableIds: ['zz-uuid'] }, { tableIds: ['aa-uuid'] }].map((p) => ({
      plan: { ...p, zoneId: 'z', capacity: 2, overage: 0 },
      strategy: 'optimal_fit',
    }))
    const scored = scorePlans(plans as never, {
      ...base,
      tables: twins,
      adjacency: [],
      partySize: 2,
      competing: [],
    })
    expect(scored.map((s) => s.score)).toEqual([0, 0])
    expect(scored[0]!.plan.tableIds).toEqual(['zz-uuid'])
  })

  it('keeps the merge a waiting party of six needs: the lone four-top instead of B', () => {
    const scored = scorePlans(candidates, {
      ...base,
      partySize: 2,
      competing: [{ id: 'six', partySize: 6, zoneId: null, window }],
    })
    expect(scored[0]!.plan.tableIds).toEqual(['C'])
    const b = scored.find((s) => s.plan.tableIds.join() === 'B')!
    expect(b.blocked).toBe(1)
    expect(b.score).toBe(SCORE_WEIGHTS.blocked)
    expect(scored[0]!.score).toBe(SCORE_WEIGHTS.overage * 2)
  })

  it('ignores a competitor that could not be seated anyway, and a non-overlapping one never blocks', () => {
    const scored = scorePlans(candidates, {
      ...base,
      partySize: 2,
      competing: [
        { id: 'huge', partySize: 40, zoneId: null, window },
        { id: 'later', partySize: 6, zoneId: null, window: { start: 7_200_000, end: 9_000_000 } },
      ],
    })
    expect(scored[0]!.plan.tableIds).toEqual(['B'])
  })
})

describe('shadow comparison kinds', () => {
  const seated = (tableIds: string[], zoneId = 'z') => ({ seated: true, tableIds, zoneId })
  const none = { seated: false, tableIds: [], zoneId: null }
  it.each([
    [seated(['B']), seated(['B']), true, null],
    [seated(['A', 'B']), seated(['B', 'A']), true, null],
    [none, none, true, null],
    [seated(['B']), seated(['C']), false, 'different_tables'],
    [seated(['B'], 'z'), seated(['P'], 'patio'), false, 'different_zone'],
    [seated(['B']), none, false, 'legacy_seated_v3_not'],
    [none, seated(['C']), false, 'v3_seated_legacy_not'],
    [seated(['B']), { ...none, error: 'timeout' }, false, 'error'],
  ])('%o vs %o', (legacy, v3, match, kind) => {
    expect(compareDecisions(legacy, v3)).toEqual({ match, mismatchKind: kind })
  })
})
