import { describe, expect, it } from 'vitest'
import { findReseating, type MovableBooking, type ReseatInput } from '../../../planner/index.ts'
import { PROOF_AFTER_NODES, provablyImpossible } from '../../../planner/reseat.ts'
import type { TableSpec } from '../../../planner/types.ts'
import { seededRandom } from '../../../server/sim/seeded-random.ts'
import { isValidPlan } from './reference-model.ts'

const H = 3_600_000
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end

function randomInstance(random: () => number): ReseatInput {
  const count = 4 + Math.floor(random() * 3)
  const tables: TableSpec[] = Array.from({ length: count }, (_, index) => ({
    id: `t${index}`,
    zoneId: 'z',
    capacity: [2, 2, 4, 6][Math.floor(random() * 4)]!,
  }))
  const adjacency: Array<[string, string]> = []
  for (let a = 0; a < count; a++)
    for (let b = a + 1; b < count; b++) if (random() < 0.45) adjacency.push([`t${a}`, `t${b}`])
  // lay bookings one by one on a free valid single or pair, as an engine would have
  const movable: MovableBooking[] = []
  const fixedBusy: ReseatInput['fixedBusy'] = []
  const occupied: Array<{ tableIds: string[]; window: { start: number; end: number } }> = []
  for (let n = 0; n < 5; n++) {
    const start = 18 * H + Math.floor(random() * 6) * (H / 2)
    const window = { start, end: start + 2 * H }
    const partySize = 1 + Math.floor(random() * 5)
    const ids = tables.map((table) => table.id)
    const candidates: string[][] = []
    for (let mask = 1; mask < 1 << count; mask++) {
      const subset = ids.filter((_, index) => mask & (1 << index))
      if (subset.length > 2) continue
      const input = { tables, adjacency, busy: [], partySize, window, maxTables: 3 }
      if (!isValidPlan(input, subset)) continue
      if (occupied.some((o) => overlaps(o.window, window) && o.tableIds.some((id) => subset.includes(id)))) continue
      candidates.push(subset)
    }
    if (candidates.length === 0) continue
    const tableIds = candidates[Math.floor(random() * candidates.length)]!
    occupied.push({ tableIds, window })
    if (random() < 0.25) fixedBusy.push(...tableIds.map((tableId) => ({ tableId, ...window })))
    else movable.push({ id: `b${n}`, partySize, window, tableIds, zoneId: 'z' })
  }
  const start = 18 * H + Math.floor(random() * 6) * (H / 2)
  return {
    tables,
    adjacency,
    fixedBusy,
    movable,
    request: { partySize: 1 + Math.floor(random() * 7), window: { start, end: start + 2 * H } },
  }
}

function validPlans(input: ReseatInput, partySize: number, window: { start: number; end: number }): string[][] {
  const ids = input.tables.map((table) => table.id)
  const plans: string[][] = []
  for (let mask = 1; mask < 1 << ids.length; mask++) {
    const subset = ids.filter((_, index) => mask & (1 << index))
    const busy = input.fixedBusy
    if (
      isValidPlan({ tables: input.tables, adjacency: input.adjacency, busy, partySize, window, maxTables: 3 }, subset)
    ) {
      plans.push(subset)
    }
  }
  return plans
}

/**
 * Fewest moves over every assignment of every valid plan (not only minimal ones) to the new booking
 * and every movable booking (chains included); null: impossible.
 */
function bruteForceMoves(input: ReseatInput): number | null {
  const items = [
    {
      booking: null as MovableBooking | null,
      window: input.request.window,
      plans: validPlans(input, input.request.partySize, input.request.window),
    },
    ...input.movable.map((booking) => ({
      booking,
      window: booking.window,
      plans: validPlans(input, booking.partySize, booking.window),
    })),
  ]
  let best: number | null = null
  const chosen: string[][] = []
  const visit = (index: number, moves: number) => {
    if (best !== null && moves >= best) return
    if (index === items.length) {
      best = moves
      return
    }
    const item = items[index]!
    for (const plan of item.plans) {
      if (chosen.some((other, o) => overlaps(items[o]!.window, item.window) && other.some((id) => plan.includes(id))))
        continue
      chosen.push(plan)
      const moved = item.booking !== null && [...item.booking.tableIds].sort().join() !== [...plan].sort().join()
      visit(index + 1, moves + (moved ? 1 : 0))
      chosen.pop()
    }
  }
  visit(0, 0)
  return best
}

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
