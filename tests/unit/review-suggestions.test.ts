import { describe, expect, it } from 'vitest'
import type { TableSpec } from '../../planner/index.ts'
import { suggestPlans, type SuggestionInput } from '../../server/review/suggestions.ts'
import { bookingReasonText, relaxationText, tableReasonText } from '../../server/review/reason-text.ts'

const MIN = 60_000
const start = Date.parse('2030-06-14T19:00:00Z')
const tables: TableSpec[] = [
  { id: 't1', zoneId: 'main', capacity: 2 },
  { id: 't2', zoneId: 'main', capacity: 2 },
  { id: 'p1', zoneId: 'patio', capacity: 4 },
]
const keyById = new Map([
  ['t1', 'T1'],
  ['t2', 'T2'],
  ['p1', 'P1'],
])
const zoneKeyById = new Map([
  ['main', 'main'],
  ['patio', 'patio'],
])

function input(
  overrides: Omit<Partial<SuggestionInput>, 'booking'> & { booking?: Partial<SuggestionInput['booking']> } = {},
): SuggestionInput {
  return {
    tables,
    adjacency: [],
    busy: [],
    keyById,
    zoneKeyById,
    floorVersion: 'f1',
    now: new Date(start - 24 * 60 * MIN),
    ...overrides,
    booking: {
      partySize: 4,
      startAt: new Date(start),
      endAt: new Date(start + 90 * MIN),
      zoneId: 'main',
      ...overrides.booking,
    },
  }
}

describe('suggestPlans: the planner with one constraint relaxed at a time', () => {
  it('offers the plans each relaxation opens, labelled with what it relaxes', () => {
    const suggestions = suggestPlans(input())
    expect(suggestions.map((s) => [s.relaxed.join(','), s.tables.join('+'), s.zone])).toEqual([
      ['adjacency', 'T1+T2', 'main'],
      ['zone', 'P1', 'patio'],
    ])
    expect(suggestions.every((s) => s.startAt === new Date(start).toISOString())).toBe(true)
  })

  it('puts a plan that fits as booked first, and does not repeat it under a relaxation', () => {
    const suggestions = suggestPlans(input({ booking: { zoneId: null } }))
    expect(suggestions[0]).toMatchObject({ relaxed: [], tables: ['P1'], overage: 0 })
    expect(
      suggestions.filter((s) => s.tables.join('+') === 'P1' && s.startAt === suggestions[0]!.startAt),
    ).toHaveLength(1)
  })

  it('moves the start when only another time is free, never into the past', () => {
    const busy = [
      { tableId: 't1', start: start - 60 * MIN, end: start + 4 * 60 * MIN },
      { tableId: 't2', start: start - 120 * MIN, end: start + 15 * MIN },
      { tableId: 'p1', start: start - 120 * MIN, end: start + 4 * 60 * MIN },
    ]
    const suggestions = suggestPlans(
      input({ busy, booking: { partySize: 2, zoneId: null, endAt: new Date(start + 60 * MIN) } }),
    )
    expect(
      suggestions.map((s) => [s.relaxed.join(','), s.tables.join('+'), (Date.parse(s.startAt) - start) / MIN]),
    ).toEqual([
      ['start+15', 'T2', 15],
      ['start+30', 'T2', 30],
    ])
    // now is 20 minutes before the start: 30 minutes earlier has passed, 15 earlier has not
    const early = suggestPlans(input({ now: new Date(start - 20 * MIN), booking: { partySize: 2, zoneId: null } }))
    const shifts = new Set(early.map((s) => (Date.parse(s.startAt) - start) / MIN))
    expect(shifts.has(-30)).toBe(false)
    expect(shifts.has(-15)).toBe(true)
  })

  it('suggests nothing when no single relaxation helps', () => {
    expect(suggestPlans(input({ booking: { partySize: 12 } }))).toEqual([])
  })

  it('is deterministic', () => {
    expect(suggestPlans(input())).toEqual(suggestPlans(input()))
  })
})

describe('reason texts for hosts', () => {
  it('says what a code means, through the cutoff and expiry wrappers, and never leaks a bare code', () => {
    expect(bookingReasonText('NO_AVAILABILITY')).toMatch(/taken at this time/)
    expect(bookingReasonText('CUTOFF:NO_AVAILABILITY')).toMatch(/too close to the start.*taken at this time/)
    expect(bookingReasonText('EXPIRED:ADJACENCY_UNSATISFIED')).toMatch(/time passed.*next to each other/)
    expect(bookingReasonText(null)).toMatch(/did not say why/)
    expect(bookingReasonText('SOMETHING_NEW')).toBe('The engine could not seat it (SOMETHING_NEW).')
    expect(relaxationText('start-15')).toBe('15 min earlier')
    expect(relaxationText('max_tables')).toBe('One more table joined')
    expect(tableReasonText({ code: 'BUSY', until: 0, untilLabel: '20:30', message: '' }, () => '')).toBe(
      'Busy until 20:30',
    )
    expect(
      tableReasonText({ code: 'WRONG_ZONE', zoneId: 'z2', requestedZoneId: 'z1', message: '' }, () => 'Patio'),
    ).toBe('In Patio, not the area asked for')
  })
})
