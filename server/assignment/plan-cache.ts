import type { Quote } from '../../planner/index.ts'

export interface PlanCacheKey {
  restaurantId: string
  availabilityVersion: number
  floorVersion: number
  windowStart: number
  windowEnd: number
  partySize: number
  zoneId: string | null
  maxTables: number
  requireAdjacency: boolean
  strategy: string
  avoidTableIds: string[]
}

export interface PlanCacheOptions {
  maxEntries?: number
  ttlMs?: number
  now?: () => number
}

/**
 * Per-process cache of planner answers. The key carries the restaurant's availability version,
 * which every allocation change bumps in the same transaction, so a change invalidates at once.
 * Failures are cached too; a cached success is still checked by the exclusion constraint at hold.
 */
export function createPlanCache(options: PlanCacheOptions = {}) {
  const maxEntries = options.maxEntries ?? 5_000
  const ttlMs = options.ttlMs ?? 30_000
  const now = options.now ?? Date.now
  const entries = new Map<string, { quote: Quote; expiresAt: number }>()
  let hits = 0
  let misses = 0

  const keyOf = (key: PlanCacheKey) =>
    [
      key.restaurantId,
      key.availabilityVersion,
      key.floorVersion,
      key.windowStart,
      key.windowEnd,
      key.partySize,
      key.zoneId ?? '*',
      key.maxTables,
      key.requireAdjacency ? 'adj' : 'free',
      key.strategy,
      [...key.avoidTableIds].sort().join(','),
    ].join('|')

  return {
    get(key: PlanCacheKey): Quote | undefined {
      const cacheKey = keyOf(key)
      const entry = entries.get(cacheKey)
      if (!entry || entry.expiresAt <= now()) {
        if (entry) entries.delete(cacheKey)
        misses++
        return undefined
      }
      // refresh recency: Map iteration order is insertion order, so re-insert
      entries.delete(cacheKey)
      entries.set(cacheKey, entry)
      hits++
      return entry.quote
    },
    set(key: PlanCacheKey, quote: Quote): void {
      const cacheKey = keyOf(key)
      entries.delete(cacheKey)
      entries.set(cacheKey, { quote, expiresAt: now() + ttlMs })
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value
        if (oldest === undefined) break
        entries.delete(oldest)
      }
    },
    clear: () => entries.clear(),
    stats: () => ({ hits, misses, size: entries.size }),
  }
}

export type PlanCache = ReturnType<typeof createPlanCache>
