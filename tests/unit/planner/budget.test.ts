// quoteTablesWithin: the exact quote within a work budget, or null; never a partial answer, and
// an abandoned run leaves the floor's reusable buffers fit for the next quote.
import { describe, expect, it } from 'vitest'
import { quoteTables, quoteTablesWithin, type QuoteInput, type TableSpec } from '../../../planner/index'
import { request } from './helpers'

/** 2-tops in a clique, each with a private 1-top: a search of a few thousand branches. */
function pendantClique(n: number): Pick<QuoteInput, 'tables' | 'adjacency'> {
  const tables: TableSpec[] = []
  const adjacency: Array<[string, string]> = []
  for (let i = 0; i < n; i++) {
    tables.push({ id: `c${i}`, zoneId: 'main', capacity: 2 }, { id: `p${i}`, zoneId: 'main', capacity: 1 })
    adjacency.push([`c${i}`, `p${i}`])
    for (let j = 0; j < i; j++) adjacency.push([`c${j}`, `c${i}`])
  }
  return { tables, adjacency }
}

describe('quoteTablesWithin', () => {
  const floor = pendantClique(30)
  const input: QuoteInput = { ...request(floor.tables, 11, { maxTables: 6 }), adjacency: floor.adjacency }

  it('gives up (null) when the search needs more branches than allowed', () => {
    expect(quoteTablesWithin(input, 10)).toBeNull()
  })

  it('answers exactly what quoteTables answers when the budget suffices', () => {
    const full = quoteTables(input)
    const within = quoteTablesWithin(input, 10_000_000)
    expect(within?.ok).toBe(true)
    expect(within && within.ok && within.plans).toEqual(full.ok && full.plans)
  })

  it('leaves the floor fit for the next quote after giving up mid-search', () => {
    const expected = quoteTables({ ...input, partySize: 7 })
    for (const budget of [5, 50, 500]) {
      expect(quoteTablesWithin(input, budget)).toBeNull()
      const after = quoteTables({ ...input, partySize: 7 })
      expect(after.ok && after.plans).toEqual(expected.ok && expected.plans)
    }
  })

  it('needs no budget for answers found before any branch', () => {
    expect(quoteTablesWithin({ ...input, partySize: 2, maxTables: 1 }, 0)).toMatchObject({ ok: true })
    expect(quoteTablesWithin({ ...input, partySize: 0 }, 0)).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' })
  })
})
