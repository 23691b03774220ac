import { describe, expect, it } from 'vitest'
import { createPlanCache, type PlanCacheKey } from '../../server/assignment/plan-cache.ts'
import type { Quote } from '../../planner/index.ts'

const key = (overrides: Partial<PlanCacheKey> = {}): PlanCacheKey => ({
  restaurantId: 'r1',
  availabilityVersion: 1,
  floorVersion: 1,
  windowStart: 1000,
  windowEnd: 2000,
  partySize: 2,
  zoneId: null,
  maxTables: 3,
  requireAdjacency: true,
  strategy: 'optimal_fit',
  avoidTableIds: [],
  ...overrides,
})
const failure: Quote = { ok: false, reason: 'NO_AVAILABILITY', stats: { candidatesEvaluated: 3 } }

describe('plan cache', () => {
  it('hits on the same key, misses when the availability version changes', () => {
    const cache = createPlanCache()
    cache.set(key(), failure)
    expect(cache.get(key())).toBe(failure)
    expect(cache.get(key({ availabilityVersion: 2 }))).toBeUndefined()
    expect(cache.get(key({ partySize: 3 }))).toBeUndefined()
    expect(cache.get(key({ requireAdjacency: false }))).toBeUndefined()
    expect(cache.get(key({ avoidTableIds: ['a', 'b'] }))).toBeUndefined()
    expect(cache.stats()).toEqual({ hits: 1, misses: 4, size: 1 })
  })
  it('treats avoid lists as sets', () => {
    const cache = createPlanCache()
    cache.set(key({ avoidTableIds: ['b', 'a'] }), failure)
    expect(cache.get(key({ avoidTableIds: ['a', 'b'] }))).toBe(failure)
  })
  it('expires entries after the TTL', () => {
    let now = 0
    const cache = createPlanCache({ ttlMs: 100, now: () => now })
    cache.set(key(), failure)
    now = 99
    expect(cache.get(key())).toBe(failure)
    now = 100
    expect(cache.get(key())).toBeUndefined()
    expect(cache.stats().size).toBe(0)
  })
  it('is bounded, evicting the least recently used entry', () => {
    const cache = createPlanCache({ maxEntries: 2 })
    cache.set(key({ partySize: 1 }), failure)
    cache.set(key({ partySize: 2 }), failure)
    cache.get(key({ partySize: 1 }))
    cache.set(key({ partySize: 3 }), failure)
    expect(cache.stats().size).toBe(2)
    expect(cache.get(key({ partySize: 1 }))).toBe(failure)
    expect(cache.get(key({ partySize: 2 }))).toBeUndefined()
  })
})
