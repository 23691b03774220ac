// The quote pool (server/assignment/quote-pool.ts) with real worker threads: cheap quotes stay
// inline, expensive ones move to a worker and answer exactly what quoteTables answers, and an
// abort really ends the worker's search.
import { describe, expect, it } from 'vitest'
import { quoteTables, type QuoteInput, type TableSpec } from '../../planner/index'
import { QuoteAborted, QuotePool } from '../../server/assignment/quote-pool'
import { quotePoolsClosedAfterEach } from '../helpers/quote-pools'

const WINDOW = { start: 18 * 3_600_000, end: 20 * 3_600_000 }

/** A small grid floor: 12 tables, rows adjacent. */
function smallFloor(): Pick<QuoteInput, 'tables' | 'adjacency'> {
  const tables: TableSpec[] = Array.from({ length: 12 }, (_, i) => ({
    id: `t${i}`,
    zoneId: 'main',
    capacity: [2, 4, 2, 6][i % 4] as number,
  }))
  const adjacency: Array<[string, string]> = []
  for (let i = 1; i < 12; i++) if (i % 4 !== 0) adjacency.push([`t${i - 1}`, `t${i}`])
  return { tables, adjacency }
}

/**
 * A clique of 2-tops, each with a private 1-top beside it: no twins and no closed nodes, so the
 * planner's bounds do not shortcut it and a party of 15 over 8 tables takes a long search. The ids
 * are scrambled (deterministically): with ids in construction order the tie-break walks straight to
 * an optimal plan, and on a quiet machine the search ended before the test could abort it.
 */
function slowFloor(n: number): Pick<QuoteInput, 'tables' | 'adjacency'> {
  let state = 12_345
  const scrambled = (prefix: string, i: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return `${Math.floor((state / 2_147_483_648) * 1e9).toString(36)}-${prefix}${i}`
  }
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  const twoTops: string[] = []
  for (let i = 0; i < n; i++) {
    const twoTop = scrambled('c', i)
    const pendant = scrambled('p', i)
    tables.push({ id: twoTop, zoneId: 'main', capacity: 2 }, { id: pendant, zoneId: 'main', capacity: 1 })
    adjacency.push([twoTop, pendant])
    for (const other of twoTops) adjacency.push([other, twoTop])
    twoTops.push(twoTop)
  }
  return { tables, adjacency }
}

const request = (floor: Pick<QuoteInput, 'tables' | 'adjacency'>, extra: Partial<QuoteInput> = {}): QuoteInput => ({
  ...floor,
  busy: [],
  partySize: 9,
  window: WINDOW,
  maxTables: 3,
  ...extra,
})

const pool = quotePoolsClosedAfterEach()

describe('QuotePool', () => {
  it('answers a cheap quote inline, without starting a worker', async () => {
    const p = pool({})
    const input = request(smallFloor(), { floorVersion: 'small:1' })
    const quote = await p.quote(input)
    expect(quote.ok && quote.plans).toEqual(quoteTables(input).ok && (quoteTables(input) as { plans: unknown }).plans)
    expect(p.counters).toMatchObject({ inline: 1, offloaded: 0, workersStarted: 0 })
  })

  it('moves a quote past the inline budget to a worker, which answers exactly what quoteTables does', async () => {
    const p = pool({ inlineBranches: 1 })
    const floor = smallFloor()
    for (const partySize of [3, 9, 11, 14, 40]) {
      const input = request(floor, { floorVersion: 'small:1', partySize, busy: [{ tableId: 't1', ...WINDOW }] })
      const expected = quoteTables(input)
      const { durationMs: _ignored, ...expectedStats } = expected.stats
      const actual = await p.quote(input)
      expect({ ...actual, stats: { ...actual.stats, durationMs: undefined } }).toEqual({
        ...expected,
        stats: { ...expectedStats, durationMs: undefined, floorCacheHit: actual.stats.floorCacheHit },
      })
    }
    // a party of 40 cannot be seated: answered before any branch, so it never leaves the loop
    expect(p.counters).toMatchObject({ inline: 1, offloaded: 4, workersStarted: 1 })
  })

  it('quotes a floor too large to precompute inline on a worker at once', async () => {
    const p = pool({ inlineFloorSize: 5 })
    const input = request(smallFloor())
    const quote = await p.quote(input)
    expect(quote).toMatchObject({ ok: true, plans: (quoteTables(input) as { plans: unknown }).plans })
    expect(p.counters).toMatchObject({ inline: 0, offloaded: 1 })
  })

  it('answers a malformed request INVALID_REQUEST, as quoteTables does', async () => {
    const p = pool({ inlineFloorSize: 0 })
    const quote = await p.quote({ ...request(smallFloor()), tables: null as unknown as TableSpec[] })
    expect(quote).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' })
  })

  it('rejects an already aborted quote without running it', async () => {
    const p = pool({ inlineBranches: 1 })
    const controller = new AbortController()
    controller.abort(new Error('deadline passed'))
    await expect(p.quote({ ...request(smallFloor()), signal: controller.signal })).rejects.toBeInstanceOf(QuoteAborted)
    expect(p.counters).toMatchObject({ inline: 0, offloaded: 0, workersStarted: 0 })
  })

  it('aborting a running quote terminates its worker; a fresh worker answers the next one', async () => {
    const p = pool({ inlineFloorSize: 0 })
    const slow = request(slowFloor(120), { partySize: 15, maxTables: 8, floorVersion: 'slow:1' })
    const controller = new AbortController()
    const running = p.quote({ ...slow, signal: controller.signal })
    // the abort comes while the worker is inside the search (it takes far longer than this)
    setTimeout(() => controller.abort(new Error('inline deadline')), 300)
    await expect(running).rejects.toThrow(/planner quote aborted: inline deadline/)
    expect(p.counters.aborted).toBe(1)

    const input = request(smallFloor(), { partySize: 11 })
    const next = await p.quote(input)
    expect(next).toMatchObject({ ok: true, plans: (quoteTables(input) as { plans: unknown }).plans })
    expect(p.counters.workersStarted).toBe(2)
  })

  it('drops an aborted quote that is still waiting for a worker, and runs the others in order', async () => {
    const p = pool({ inlineFloorSize: 0, size: 1 })
    const floor = smallFloor()
    const first = p.quote(request(floor, { partySize: 4 }))
    const controller = new AbortController()
    const second = p.quote({ ...request(floor, { partySize: 6 }), signal: controller.signal })
    const third = p.quote(request(floor, { partySize: 8 }))
    controller.abort(new Error('caller gave up'))
    await expect(second).rejects.toBeInstanceOf(QuoteAborted)
    const [a, c] = await Promise.all([first, third])
    expect(a.ok && a.plans[0]?.capacity).toBe(4)
    expect(c.ok && c.plans[0]?.capacity).toBe(8)
    expect(p.counters).toMatchObject({ offloaded: 3, aborted: 1, workersStarted: 1 })
  })

  it('close rejects what is still running', async () => {
    const p = new QuotePool({ inlineFloorSize: 0 })
    const running = p.quote(request(slowFloor(120), { partySize: 15, maxTables: 8 }))
    const rejected = expect(running).rejects.toBeInstanceOf(QuoteAborted)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await p.close()
    await rejected
  })
})
