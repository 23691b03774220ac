// Every reason code and the contract's precedence:
// INVALID_REQUEST > NO_TABLES_IN_ZONE > PARTY_TOO_LARGE > ADJACENCY_UNSATISFIED > NO_AVAILABILITY.
import { describe, expect, it } from 'vitest'
import { quoteTables } from '../../../planner/index'
import { WINDOW, reasonOf, request, table } from './helpers'

const allDay = (...ids: string[]) => ids.map((tableId) => ({ tableId, start: WINDOW.start - 1, end: WINDOW.end + 1 }))

describe('reason codes', () => {
  it('INVALID_REQUEST comes before everything', () => {
    const q = quoteTables(request([], 0, { zoneId: 'nowhere' }))
    expect(reasonOf(q)).toBe('INVALID_REQUEST')
  })

  it('NO_TABLES_IN_ZONE: the requested zone does not exist or has no active table', () => {
    const tables = [table('A', 4), table('T', 4, { zoneId: 'terrace', active: false })]
    expect(reasonOf(quoteTables(request(tables, 2, { zoneId: 'attic' })))).toBe('NO_TABLES_IN_ZONE')
    expect(reasonOf(quoteTables(request(tables, 2, { zoneId: 'terrace' })))).toBe('NO_TABLES_IN_ZONE')
    expect(reasonOf(quoteTables(request([], 2, { zoneId: 'main' })))).toBe('NO_TABLES_IN_ZONE')
  })
  it('NO_TABLES_IN_ZONE comes before PARTY_TOO_LARGE', () => {
    expect(reasonOf(quoteTables(request([table('A', 4)], 40, { zoneId: 'attic' })))).toBe('NO_TABLES_IN_ZONE')
  })
  it('a zone whose active tables are all avoided or busy is not "no tables"', () => {
    const tables = [table('T', 4, { zoneId: 'terrace' })]
    expect(reasonOf(quoteTables(request(tables, 2, { zoneId: 'terrace', avoidTableIds: ['T'] })))).toBe(
      'PARTY_TOO_LARGE',
    )
    expect(reasonOf(quoteTables(request(tables, 2, { zoneId: 'terrace', busy: allDay('T') })))).toBe('NO_AVAILABILITY')
  })

  it('PARTY_TOO_LARGE: more guests than the floor can seat', () => {
    expect(reasonOf(quoteTables(request([table('A', 4), table('B', 4)], 9, { requireAdjacency: false })))).toBe(
      'PARTY_TOO_LARGE',
    )
    expect(reasonOf(quoteTables(request([], 2)))).toBe('PARTY_TOO_LARGE')
  })
  it('PARTY_TOO_LARGE respects maxTables, mergeable, minParty/maxParty, zone, avoid and inactive', () => {
    const twos = ['A', 'B', 'C'].map((id) => table(id, 2))
    expect(reasonOf(quoteTables(request(twos, 6, { maxTables: 2, requireAdjacency: false })))).toBe('PARTY_TOO_LARGE')
    const unmergeable = [table('A', 4, { mergeable: false }), table('B', 4)]
    expect(reasonOf(quoteTables(request(unmergeable, 8, { requireAdjacency: false })))).toBe('PARTY_TOO_LARGE')
    expect(reasonOf(quoteTables(request([table('A', 8, { minParty: 4 })], 2)))).toBe('PARTY_TOO_LARGE')
    expect(reasonOf(quoteTables(request([table('A', 8, { maxParty: 6 })], 7)))).toBe('PARTY_TOO_LARGE')
    const zones = [table('A', 4), table('B', 4, { zoneId: 'terrace' })]
    expect(reasonOf(quoteTables(request(zones, 8, { requireAdjacency: false })))).toBe('PARTY_TOO_LARGE')
    expect(reasonOf(quoteTables(request([table('A', 8), table('B', 2)], 6, { avoidTableIds: ['A'] })))).toBe(
      'PARTY_TOO_LARGE',
    )
    expect(reasonOf(quoteTables(request([table('A', 8, { active: false }), table('B', 2)], 6)))).toBe('PARTY_TOO_LARGE')
    expect(
      reasonOf(quoteTables(request([table('A', 8), table('B', 2, { zoneId: 'terrace' })], 6, { zoneId: 'terrace' }))),
    ).toBe('PARTY_TOO_LARGE')
  })
  it('PARTY_TOO_LARGE comes before ADJACENCY_UNSATISFIED and NO_AVAILABILITY', () => {
    const q = quoteTables(request([table('A', 4), table('B', 4)], 10, { busy: allDay('A', 'B') }))
    expect(reasonOf(q)).toBe('PARTY_TOO_LARGE')
  })

  it('ADJACENCY_UNSATISFIED: only a non-adjacent merge would seat the party', () => {
    const tables = [table('A', 4), table('B', 4), table('C', 2)]
    const input = request(tables, 8, { adjacency: [['A', 'C']] })
    expect(reasonOf(quoteTables(input))).toBe('ADJACENCY_UNSATISFIED')
    expect(quoteTables({ ...input, requireAdjacency: false }).ok).toBe(true)
  })
  it('ADJACENCY_UNSATISFIED when maxTables cuts the connecting table', () => {
    const tables = [table('A', 4), table('B', 4), table('C', 1)]
    const adjacency: Array<[string, string]> = [
      ['A', 'C'],
      ['C', 'B'],
    ]
    expect(reasonOf(quoteTables(request(tables, 8, { adjacency, maxTables: 2 })))).toBe('ADJACENCY_UNSATISFIED')
    expect(quoteTables(request(tables, 8, { adjacency, maxTables: 3 })).ok).toBe(true)
  })
  it('ADJACENCY_UNSATISFIED comes before NO_AVAILABILITY', () => {
    // busy B blocks the only free-floor merge that does not need adjacency either way
    const tables = [table('A', 4), table('B', 4), table('C', 2)]
    const q = quoteTables(request(tables, 8, { adjacency: [['A', 'C']], busy: allDay('B') }))
    expect(reasonOf(q)).toBe('ADJACENCY_UNSATISFIED')
  })

  it('NO_AVAILABILITY: a plan would exist if the busy tables were free', () => {
    const tables = [table('A', 4), table('B', 4)]
    expect(reasonOf(quoteTables(request(tables, 4, { busy: allDay('A', 'B') })))).toBe('NO_AVAILABILITY')
    const merged = request(tables, 8, { adjacency: [['A', 'B']], busy: allDay('B') })
    expect(reasonOf(quoteTables(merged))).toBe('NO_AVAILABILITY')
    expect(reasonOf(quoteTables({ ...merged, requireAdjacency: false, adjacency: [] }))).toBe('NO_AVAILABILITY')
  })
  it('NO_AVAILABILITY in the requested zone even when another zone has room', () => {
    const tables = [table('A', 4), table('T', 4, { zoneId: 'terrace' })]
    expect(reasonOf(quoteTables(request(tables, 4, { zoneId: 'terrace', busy: allDay('T') })))).toBe('NO_AVAILABILITY')
  })
})
