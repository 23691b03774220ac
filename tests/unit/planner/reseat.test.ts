import { describe, expect, it } from 'vitest'
import { findReseating, type MovableBooking, type ReseatInput } from '../../../planner/index.ts'
import { PROOF_AFTER_NODES, provablyImpossible } from '../../../planner/reseat.ts'
import type { TableSpec } from '../../../planner/types.ts'
import { seededRandom } from '../../../server/sim/seeded-random.ts'
import { isValidPlan } from './reference-model.ts'
import { bruteForceMoves, H, overlaps, randomInstance } from './reseat-brute-force.ts'

describe('findReseating: fewest moves, exact against brute force', () => {
  it('agrees with a brute force over every valid plan on random small floors', () => {
    const random = seededRandom(42)
    let rearranged = 0
    let impossible = 0
    for (let round = 0; round < 300; round++) {
      const input = randomInstance(random)
      const result = findReseating(input)
      const expected = bruteForceMoves(input)
      if (expected === null) {
        expect(result.ok, `round ${round}`).toBe(false)
        impossible++
        continue
      }
      expect(result.ok, `round ${round}`).toBe(true)
      if (!result.ok) continue
      expect(result.moves.length, `round ${round}`).toBe(expected)
      if (expected > 0) rearranged++
      // the answer is a valid arrangement: every booking keeps a valid plan, nothing overlaps
      const placed = [
        { window: input.request.window, tableIds: result.plan.tableIds, partySize: input.request.partySize },
        ...input.movable.map((booking) => ({
          window: booking.window,
          partySize: booking.partySize,
          tableIds: result.moves.find((move) => move.bookingId === booking.id)?.to ?? booking.tableIds,
        })),
      ]
      for (const [index, one] of placed.entries()) {
        const check = {
          tables: input.tables,
          adjacency: input.adjacency,
          busy: input.fixedBusy,
          partySize: one.partySize,
          window: one.window,
          maxTables: 3,
        }
        expect(isValidPlan(check, one.tableIds)).toBe(true)
        for (const other of placed.slice(index + 1)) {
          if (overlaps(one.window, other.window))
            expect(one.tableIds.some((id) => other.tableIds.includes(id))).toBe(false)
        }
      }
    }
    // the random instances must exercise both branches
    expect(rearranged).toBeGreaterThan(10)
    expect(impossible).toBeGreaterThan(10)
  })

  it('never moves a fixed window and answers the same way every time', () => {
    const tables: TableSpec[] = [
      { id: 'a', zoneId: 'z', capacity: 2 },
      { id: 'b', zoneId: 'z', capacity: 2 },
      { id: 'c', zoneId: 'z', capacity: 4 },
    ]
    const window = { start: 19 * H, end: 21 * H }
    const input: ReseatInput = {
      tables,
      adjacency: [['a', 'b']],
      fixedBusy: [{ tableId: 'a', ...window }],
      movable: [{ id: 'four-top-pair', partySize: 2, window, tableIds: ['c'], zoneId: 'z' }],
      request: { partySize: 4, window },
    }
    const first = findReseating(input)
    expect(first).toMatchObject({ ok: true, moves: [{ bookingId: 'four-top-pair', from: ['c'], to: ['b'] }] })
    expect(first.ok && first.plan.tableIds).toEqual(['c'])
    expect(findReseating(input)).toEqual(first)
    // with b fixed too, the pair cannot move: no rearrangement
    const stuck = findReseating({ ...input, fixedBusy: [...input.fixedBusy, { tableId: 'b', ...window }] })
    expect(stuck).toMatchObject({ ok: false, reason: 'NO_REARRANGEMENT' })
  })

  it('stops at the node budget with its own reason instead of claiming there is no rearrangement', () => {
    const random = seededRandom(3)
    for (let round = 0; round < 200; round++) {
      const input = randomInstance(random)
      const expected = bruteForceMoves(input)
      if (expected === null || expected < 1) continue
      const result = findReseating({ ...input, maxNodes: 1 })
      expect(result).toMatchObject({ ok: false, reason: 'SEARCH_BUDGET_EXHAUSTED' })
      return
    }
    throw new Error('no instance needed a move')
  })

  it('proves a full floor has no rearrangement from capacity, early, instead of spending the node budget', () => {
    // six two-tops, six pairs whose staggered windows all cover 19:30: seven parties at one instant
    const tables: TableSpec[] = Array.from({ length: 6 }, (_, index) => ({ id: `t${index}`, zoneId: 'z', capacity: 2 }))
    const movable: MovableBooking[] = tables.map((table, index) => {
      const start = 18 * H + index * (H / 4)
      return {
        id: `pair-${index}`,
        partySize: 2,
        window: { start, end: start + 2 * H },
        tableIds: [table.id],
        zoneId: null,
      }
    })
    const input: ReseatInput = {
      tables,
      adjacency: [],
      fixedBusy: [],
      movable,
      request: { partySize: 2, window: { start: 19.5 * H, end: 21.5 * H } },
      maxNodes: 50_000,
    }
    expect(bruteForceMoves(input)).toBeNull()
    expect(findReseating(input)).toMatchObject({
      ok: false,
      reason: 'NO_REARRANGEMENT',
      stats: { nodes: PROOF_AFTER_NODES },
    })
    // one pair ends before 19:30: the proof does not apply, and the search finds the free table
    const earlier = movable.map((booking, index) =>
      index === 0 ? { ...booking, window: { start: 17 * H, end: 19.5 * H } } : booking,
    )
    expect(findReseating({ ...input, movable: earlier })).toMatchObject({ ok: true })
  })

  it('the capacity proof lets a booking stay at a table a fixed window covers (peak pacing holds it)', () => {
    // b is held from the new pair (a fixed window over its window) while another pair sits there:
    // new pair at a, the other stays at b
    const window = { start: 19 * H, end: 21 * H }
    const input: ReseatInput = {
      tables: [
        { id: 'a', zoneId: 'z', capacity: 2 },
        { id: 'b', zoneId: 'z', capacity: 2 },
      ],
      adjacency: [],
      fixedBusy: [{ tableId: 'b', ...window }],
      movable: [{ id: 'pair', partySize: 2, window, tableIds: ['b'], zoneId: null }],
      request: { partySize: 2, window },
    }
    expect(provablyImpossible(input, [['a']], [{ window, current: ['b'], plans: () => [['a']] }])).toBe(false)
    // a second pair that can only go to a: now the instant is over-full
    expect(
      provablyImpossible(
        input,
        [['a']],
        [
          { window, current: ['b'], plans: () => [['a']] },
          { window, current: ['a'], plans: () => [] },
        ],
      ),
    ).toBe(true)
  })

  it('chains moves: a booking moved to make room may displace one that does not overlap the new booking', () => {
    const tables: TableSpec[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, zoneId: 'z', capacity: id === 'c' ? 4 : 2 }))
    const input: ReseatInput = {
      tables,
      adjacency: [],
      fixedBusy: [
        { tableId: 'b', start: 19 * H, end: 23 * H },
        { tableId: 'd', start: 20 * H, end: 21 * H },
      ],
      movable: [
        { id: 'x', partySize: 2, window: { start: 20 * H, end: 22 * H }, tableIds: ['c'], zoneId: 'z' },
        // starts when the new booking ends: only the move of x displaces it
        { id: 'y', partySize: 2, window: { start: 21 * H, end: 23 * H }, tableIds: ['a'], zoneId: 'z' },
      ],
      request: { partySize: 4, window: { start: 19 * H, end: 21 * H } },
    }
    const result = findReseating(input)
    expect(result).toMatchObject({
      ok: true,
      plan: { tableIds: ['c'] },
      moves: [
        { bookingId: 'x', from: ['c'], to: ['a'] },
        { bookingId: 'y', from: ['a'], to: ['d'] },
      ],
    })
    expect(bruteForceMoves(input)).toBe(2)
  })

  it('moves a guest who asked for no zone to another zone, never one who asked for theirs', () => {
    const tables: TableSpec[] = [
      { id: 'c', zoneId: 'main', capacity: 4 },
      { id: 'e', zoneId: 'terrace', capacity: 2 },
    ]
    const window = { start: 19 * H, end: 21 * H }
    const input = (zoneId: string | null): ReseatInput => ({
      tables,
      adjacency: [],
      fixedBusy: [],
      movable: [{ id: 'x', partySize: 2, window, tableIds: ['c'], zoneId }],
      request: { partySize: 4, window, zoneId: 'main' },
    })
    expect(findReseating(input(null))).toMatchObject({ ok: true, moves: [{ bookingId: 'x', from: ['c'], to: ['e'] }] })
    expect(findReseating(input('main'))).toMatchObject({ ok: false, reason: 'NO_REARRANGEMENT' })
  })
})
