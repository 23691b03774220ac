// The re-seating search on the quote pool (server/assignment/quote-pool.ts, issue 15): searches
// that end within the inline node budget stay on the event loop; the others run again on a worker
// thread and answer exactly what findReseating answers with the caller's budget.
import { describe, expect, it } from 'vitest'
import { findReseating, type MovableBooking, type ReseatInput } from '../../planner/index'
import { QuoteAborted } from '../../server/assignment/quote-pool'
import { quotePoolsClosedAfterEach } from '../helpers/quote-pools'
import { seededRandom } from '../../server/sim/seeded-random'
import { H, randomFloor } from './planner/reseat-brute-force'

/** A two-top and a four-top; a pair sits at the four-top; a party of 4 asks: one move seats it. */
const onePairToMove: ReseatInput = {
  tables: [
    { id: 'T2', zoneId: 'main', capacity: 2 },
    { id: 'T4', zoneId: 'main', capacity: 4 },
  ],
  adjacency: [],
  fixedBusy: [],
  movable: [{ id: 'pair', partySize: 2, window: { start: 19 * H, end: 21 * H }, tableIds: ['T4'], zoneId: null }],
  request: { partySize: 4, window: { start: 19 * H, end: 21 * H } },
  maxNodes: 50_000,
}

/** Small random floors with bookings laid on free single tables, some of them fixed. */
function randomInstance(random: () => number): ReseatInput {
  const count = 4 + Math.floor(random() * 4)
  const { tables, adjacency } = randomFloor(random, count)
  const movable: MovableBooking[] = []
  const fixedBusy: ReseatInput['fixedBusy'] = []
  const taken: Array<{ tableId: string; start: number; end: number }> = []
  for (let n = 0; n < 7; n++) {
    const start = 18 * H + Math.floor(random() * 6) * (H / 2)
    const window = { start, end: start + 2 * H }
    const table = tables[Math.floor(random() * count)]!
    if (taken.some((t) => t.tableId === table.id && t.start < window.end && window.start < t.end)) continue
    taken.push({ tableId: table.id, ...window })
    const partySize = 1 + Math.floor(random() * table.capacity)
    if (random() < 0.2) fixedBusy.push({ tableId: table.id, ...window })
    else movable.push({ id: `b${n}`, partySize, window, tableIds: [table.id], zoneId: random() < 0.5 ? 'z' : null })
  }
  const start = 18 * H + Math.floor(random() * 6) * (H / 2)
  return {
    tables,
    adjacency,
    fixedBusy,
    movable,
    request: { partySize: 1 + Math.floor(random() * 8), window: { start, end: start + 2 * H } },
    maxNodes: 50_000,
  }
}

const pool = quotePoolsClosedAfterEach()

describe('QuotePool.reseat', () => {
  it('answers a search that ends within the inline budget on the event loop, without a worker', async () => {
    const p = pool({})
    const result = await p.reseat(onePairToMove)
    expect(result).toEqual(findReseating(onePairToMove))
    expect(result).toMatchObject({ ok: true, plan: { tableIds: ['T4'] }, moves: [{ bookingId: 'pair', to: ['T2'] }] })
    expect(p.counters).toMatchObject({ reseatInline: 1, reseatOffloaded: 0, workersStarted: 0 })
  })

  it('runs a search past the inline budget again on a worker, which answers what findReseating does', async () => {
    const p = pool({ inlineReseatNodes: 2 })
    const random = seededRandom(15)
    let offloaded = 0
    let rearranged = 0
    for (let round = 0; round < 150; round++) {
      const input = randomInstance(random)
      const expected = findReseating(input)
      const before = p.counters.reseatOffloaded
      const actual = await p.reseat({ ...input, floorVersion: `random:${round}` })
      // the same rearrangement (plan, moves and their order) or the same reason, and the same search
      expect(actual, `round ${round}`).toEqual(expected)
      if (p.counters.reseatOffloaded > before) offloaded++
      if (expected.ok && expected.moves.length > 0) rearranged++
    }
    expect(offloaded).toBeGreaterThan(10)
    expect(rearranged).toBeGreaterThan(5)
    expect(p.counters.workersStarted).toBe(1)
  })

  it("keeps the caller's node budget on the worker: exhausted there too, with the same node count", async () => {
    const p = pool({ inlineReseatNodes: 1 })
    const input = { ...onePairToMove, maxNodes: 2 }
    const expected = findReseating(input)
    expect(expected).toMatchObject({ ok: false, reason: 'SEARCH_BUDGET_EXHAUSTED' })
    expect(await p.reseat(input)).toEqual(expected)
    expect(p.counters).toMatchObject({ reseatOffloaded: 1 })
    // a budget no larger than the inline one is the answer itself: it stays inline
    expect(await p.reseat({ ...onePairToMove, maxNodes: 1 })).toEqual(findReseating({ ...onePairToMove, maxNodes: 1 }))
    expect(p.counters).toMatchObject({ reseatInline: 1, reseatOffloaded: 1 })
  })

  it('searches a floor too large to precompute inline on a worker at once', async () => {
    const p = pool({ inlineFloorSize: 1 })
    expect(await p.reseat(onePairToMove)).toEqual(findReseating(onePairToMove))
    expect(p.counters).toMatchObject({ reseatInline: 0, reseatOffloaded: 1 })
  })

  it('drops an aborted search still waiting for the worker; the others answer in order', async () => {
    const p = pool({ inlineFloorSize: 0, size: 1 })
    const first = p.reseat(onePairToMove)
    const controller = new AbortController()
    const second = p.reseat({ ...onePairToMove, signal: controller.signal })
    const third = p.reseat({ ...onePairToMove, request: { ...onePairToMove.request, partySize: 2 } })
    controller.abort(new Error('inline deadline'))
    await expect(second).rejects.toBeInstanceOf(QuoteAborted)
    expect(await first).toEqual(findReseating(onePairToMove))
    expect(await third).toMatchObject({ ok: true, moves: [] })
    expect(p.counters).toMatchObject({ reseatOffloaded: 3, aborted: 1, workersStarted: 1 })
  })

  it('answers an aborted running search at once and keeps its worker for the next one', async () => {
    const p = pool({ inlineFloorSize: 0, size: 1 })
    const controller = new AbortController()
    const running = p.reseat({ ...onePairToMove, signal: controller.signal })
    // sent to the worker synchronously: the abort finds it running there
    controller.abort(new Error('inline deadline'))
    await expect(running).rejects.toThrow(/aborted: inline deadline/)
    expect(await p.reseat(onePairToMove)).toEqual(findReseating(onePairToMove))
    expect(p.counters).toMatchObject({ aborted: 1, workersStarted: 1 })
  })
})
