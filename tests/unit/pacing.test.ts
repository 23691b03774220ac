import { describe, expect, it } from 'vitest'
import { heldTablesOf, pacingDecision, pacingRuleSchema, type PacingRule } from '../../server/assignment/pacing.ts'

// Europe/Paris is UTC+2 in June 2031: 19:00 local = 17:00Z
const rule: PacingRule = { minPartySize: 5, tableCount: 2, from: '19:00', until: '20:30', releaseHoursBefore: 24 }
const tables = [
  { id: 't2a', capacity: 2, mergeable: true },
  { id: 't2b', capacity: 2, mergeable: true },
  { id: 't6', capacity: 6, mergeable: true },
  { id: 'r6', capacity: 6, mergeable: false },
  { id: 'r8', capacity: 8, mergeable: false },
]
const adjacency: Array<[string, string]> = [
  ['t2a', 't2b'],
  ['t2b', 't6'],
]
const keyById = new Map(tables.map((table) => [table.id, table.id.toUpperCase()]))

const decide = (partySize: number, startZ: string, minutes: number, now: string, overrides: Partial<PacingRule> = {}) =>
  pacingDecision(
    { ...rule, ...overrides },
    {
      partySize,
      window: { start: new Date(startZ), end: new Date(new Date(startZ).getTime() + minutes * 60_000) },
      timeZone: 'Europe/Paris',
      tables,
      adjacency,
      keyById,
      now: new Date(now),
    },
  )

describe('peak pacing decision (time injected)', () => {
  it('holds the largest tables, then the mergeable ones, from a small party at peak before the cut-off', () => {
    const decision = decide(2, '2031-06-10T17:30:00Z', 105, '2031-06-08T12:00:00Z')
    expect(decision).toEqual({
      outcome: 'held',
      heldTableIds: ['r8', 't6'],
      releaseAt: new Date('2031-06-09T17:00:00Z'),
    })
  })

  it('releases the tables at the cut-off: one millisecond before is held, the cut-off itself is free', () => {
    expect(decide(2, '2031-06-10T17:30:00Z', 105, '2031-06-09T16:59:59.999Z').outcome).toBe('held')
    expect(decide(2, '2031-06-10T17:30:00Z', 105, '2031-06-09T17:00:00Z')).toEqual({
      outcome: 'released',
      heldTableIds: [],
      releaseAt: new Date('2031-06-09T17:00:00Z'),
    })
  })

  it('gives parties of at least the minimum the held tables at any time', () => {
    expect(decide(5, '2031-06-10T17:30:00Z', 120, '2031-06-01T00:00:00Z').outcome).toBe('large_party')
    expect(decide(4, '2031-06-10T17:30:00Z', 120, '2031-06-01T00:00:00Z').outcome).toBe('held')
  })

  it('counts a booking whose block reaches into the peak, and not one that ends when it starts', () => {
    // 17:30 local, 90 + 15 min: still at the table at 19:00
    expect(decide(2, '2031-06-10T15:30:00Z', 105, '2031-06-01T00:00:00Z').outcome).toBe('held')
    // 17:15 local, ends 19:00 exactly: the window is half-open
    expect(decide(2, '2031-06-10T15:15:00Z', 105, '2031-06-01T00:00:00Z')).toEqual({
      outcome: 'outside_peak',
      heldTableIds: [],
      releaseAt: null,
    })
    // 20:30 local: the peak is over
    expect(decide(2, '2031-06-10T18:30:00Z', 105, '2031-06-01T00:00:00Z').outcome).toBe('outside_peak')
  })

  it('reads the peak in the restaurant time zone (winter: UTC+1)', () => {
    // 19:00 local on 10 January is 18:00Z; a booking at 17:30Z (18:30 local) ends 19:15 local
    const decision = decide(2, '2031-01-10T17:30:00Z', 45, '2031-01-01T00:00:00Z')
    expect(decision.releaseAt).toEqual(new Date('2031-01-09T18:00:00Z'))
    expect(decision.outcome).toBe('held')
  })

  it('a zero-hour cut-off holds until the peak starts', () => {
    expect(decide(2, '2031-06-10T17:30:00Z', 105, '2031-06-10T16:59:00Z', { releaseHoursBefore: 0 }).outcome).toBe(
      'held',
    )
    expect(decide(2, '2031-06-10T17:30:00Z', 105, '2031-06-10T17:00:00Z', { releaseHoursBefore: 0 }).outcome).toBe(
      'released',
    )
  })

  it('breaks ties between equal tables on mergeability, then on key', () => {
    expect(heldTablesOf({ tableCount: 3 }, { tables, adjacency, keyById })).toEqual(['r8', 't6', 'r6'])
    // a non-mergeable table's adjacency does not count
    const unmerged = tables.map((table) => (table.id === 't6' ? { ...table, mergeable: false } : table))
    expect(heldTablesOf({ tableCount: 2 }, { tables: unmerged, adjacency, keyById })).toEqual(['r8', 'r6'])
    expect(heldTablesOf({ tableCount: 10 }, { tables, adjacency, keyById })).toHaveLength(5)
  })

  it('validates rules: times as HH:MM, the peak within one day, no unknown fields', () => {
    expect(pacingRuleSchema.safeParse(rule).success).toBe(true)
    expect(pacingRuleSchema.safeParse({ ...rule, from: '7pm' }).success).toBe(false)
    expect(pacingRuleSchema.safeParse({ ...rule, from: '21:00', until: '20:00' }).success).toBe(false)
    expect(pacingRuleSchema.safeParse({ ...rule, minPartySize: 1 }).success).toBe(false)
    expect(pacingRuleSchema.safeParse({ ...rule, tables: ['T1'] }).success).toBe(false)
  })
})
