import type { Database, DatabaseHandle } from '../db/client.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import { createBreakerRegistry } from './breaker.ts'
import { createDatabaseBulkhead } from './bulkhead.ts'
import { createAdvisoryLockManager, createRedisLockManager, type LockManager } from './locks.ts'

export interface V3ResilienceOptions {
  redisUrl?: string
  /** key prefix of the Redis locks (tests use their branch's) */
  redisPrefix?: string
  breakerThreshold?: number
  breakerHalfOpenAfterMs?: number
  bulkheadTtlMs?: number
  /** the database the bulkhead's permits are taken on (the coordinator's pool); default the engine's */
  bulkheadDb?: Database
  now?: () => Date
}

/**
 * The locks, breakers and bulkhead of pipeline V3, created once per engine: Redis locks when
 * REDIS_URL is set, advisory locks otherwise; a breaker per restaurant (5 consecutive
 * infrastructure failures open it for 10 s); the bulkhead in the database.
 */
export function createV3Resilience(handle: DatabaseHandle, events: EventRecorder, options: V3ResilienceOptions = {}) {
  const locks: LockManager = options.redisUrl
    ? createRedisLockManager(options.redisUrl, { prefix: options.redisPrefix })
    : createAdvisoryLockManager(handle)
  const breakers = createBreakerRegistry({
    threshold: options.breakerThreshold ?? 5,
    halfOpenAfterMs: options.breakerHalfOpenAfterMs ?? 10_000,
    // half-open is not an event: the breaker stays open for the dashboards until a probe closes it
    onStateChange: (restaurantId, state) => {
      if (state === 'half_open') return
      events.record({
        type: state === 'open' ? 'breaker.opened' : 'breaker.closed',
        source: 'coordinator',
        severity: state === 'open' ? 'warning' : 'info',
        restaurantId,
        context: { pipeline: 'v3' },
      })
    },
  })
  const bulkhead = createDatabaseBulkhead(options.bulkheadDb ?? handle.db, {
    ttlMs: options.bulkheadTtlMs,
    now: options.now,
  })
  return {
    locks,
    breakers,
    bulkhead,
    close: () => locks.close(),
  }
}

export type V3ResilienceBundle = ReturnType<typeof createV3Resilience>
