// Property tests: the planner against the brute-force reference model on seeded random floors.
import { describe, expect, it } from 'vitest'
import { quoteTables, STRATEGIES, type QuoteInput } from '../../../planner/index'
import { randomQuoteInput } from './random-floor'
import { seededRandom as mulberry32 } from '../../../server/sim/seeded-random.ts'
import { isValidPlan, referenceQuote } from './reference-model'
import { SHAPES, shapedQuoteInput } from './shaped-floor'

function check(input: QuoteInput, label: string): void {
  const expected = referenceQuote(input)
  const actual = quoteTables(input)
  const context = `${label}: ${JSON.stringify(input)}`
  if (expected.ok) {
    expect(actual.ok, context).toBe(true)
    if (!actual.ok) return
    expect(actual.plans, context).toEqual(expected.plans)
    for (const plan of actual.plans) expect(isValidPlan(input, plan.tableIds), context).toBe(true)
    for (let i = 1; i < actual.plans.length; i++) {
      expect((actual.plans[i] as { score: number }).score).toBeGreaterThanOrEqual(
        (actual.plans[i - 1] as { score: number }).score,
      )
    }
  } else {
    expect(actual.ok, context).toBe(false)
    if (actual.ok) return
    expect(actual.reason, context).toBe(expected.reason)
  }
  expect(actual.stats.candidatesEvaluated, context).toBeGreaterThanOrEqual(0)
}

describe('planner vs brute-force reference model', () => {
  it('optimal_fit: full top-k, validity and reason codes on 4000 seeded random floors', { timeout: 60_000 }, () => {
    const rng = mulberry32(20240601)
    const reasons = new Map<string, number>()
    for (let i = 0; i < 4000; i++) {
      const input = randomQuoteInput(rng)
      check(input, `case ${i}`)
      const r = referenceQuote(input)
      const key = r.ok ? 'ok' : (r.reason as string)
      reasons.set(key, (reasons.get(key) ?? 0) + 1)
    }
    // the generator must exercise every outcome
    for (const k of ['ok', 'NO_TABLES_IN_ZONE', 'PARTY_TOO_LARGE', 'ADJACENCY_UNSATISFIED', 'NO_AVAILABILITY']) {
      expect(reasons.get(k) ?? 0, k).toBeGreaterThan(20)
    }
  })

  for (const strategy of STRATEGIES.filter((s) => s !== 'optimal_fit')) {
    it(`${strategy}: full top-k and scores on 600 seeded random floors`, { timeout: 60_000 }, () => {
      const rng = mulberry32(7 + strategy.length * 1000)
      for (let i = 0; i < 600; i++) check(randomQuoteInput(rng, { strategy }), `${strategy} case ${i}`)
    })
  }

  it('all strategies on 150 larger floors (15..22 tables, bigger zones)', { timeout: 60_000 }, () => {
    const rng = mulberry32(4242)
    for (let i = 0; i < 150; i++) {
      const strategy = STRATEGIES[i % STRATEGIES.length] as string
      const input = randomQuoteInput(rng, { strategy, minTables: 15, maxTables: 22 })
      check({ ...input, maxTables: Math.min(input.maxTables ?? 3, 3) }, `large ${strategy} case ${i}`)
    }
  })

  // the shortcuts of issue 9: twin classes cut to maxTables + limit - 1, closed nodes, ball
  // bounds, capacity classes without adjacency (ADR 012)
  for (const shape of SHAPES) {
    it(`${shape} floors: full top-k and reasons, optimal_fit`, { timeout: 60_000 }, () => {
      const rng = mulberry32(9000 + shape.length * 31)
      const outcomes = new Map<string, number>()
      for (let i = 0; i < 300; i++) {
        const input = shapedQuoteInput(rng, shape)
        check(input, `${shape} case ${i}`)
        const r = referenceQuote(input)
        const key = r.ok ? 'ok' : (r.reason as string)
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
      }
      // the generator must produce both answers and refusals of this shape
      expect(outcomes.get('ok') ?? 0, shape).toBeGreaterThan(30)
      expect(300 - (outcomes.get('ok') ?? 0), shape).toBeGreaterThan(10)
    })

    it(`${shape} floors: every strategy`, { timeout: 60_000 }, () => {
      const rng = mulberry32(7000 + shape.length * 17)
      for (let i = 0; i < 150; i++) {
        const strategy = STRATEGIES[i % STRATEGIES.length] as string
        check(shapedQuoteInput(rng, shape, { strategy }), `${shape} ${strategy} case ${i}`)
      }
    })
  }

  it('answers the same on a second call with the cached floor', () => {
    const rng = mulberry32(99)
    for (let i = 0; i < 300; i++) {
      const input = randomQuoteInput(rng)
      const first = quoteTables(input)
      const second = quoteTables({ ...input, partySize: input.partySize })
      expect(second.stats.floorCacheHit).toBe(true)
      if (first.ok && second.ok) expect(second.plans).toEqual(first.plans)
      else expect(second.ok).toBe(first.ok)
    }
  })
})
