import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { insertBooking, seedRestaurant } from '../helpers/bookings.ts'
import { createAdvisoryLockManager, createRedisLockManager, type LockManager } from '../../server/resilience/locks.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `v3-test:${process.pid}:`

/**
 * The same contract for both lock managers; `a` and `b` stand for two processes. PGlite is one
 * process by nature (its one connection is the only session), so there both are one manager.
 */
function lockContract(name: string, make: () => LockManager, oneProcess = () => false) {
  describe(name, () => {
    let a: LockManager
    let b: LockManager
    beforeAll(() => {
      a = make()
      b = oneProcess() ? a : make()
    })
    afterAll(async () => {
      await a.close()
      if (b !== a) await b.close()
    })

    it('one holder at a time; the other waits its budget and gets null; release lets it in', async () => {
      const key = `booking:${crypto.randomUUID()}`
      const first = await a.acquire(key, { waitMs: 20, ttlMs: 5_000 })
      expect(first).not.toBeNull()
      const started = performance.now()
      expect(await b.acquire(key, { waitMs: 30, ttlMs: 5_000 })).toBeNull()
      expect(performance.now() - started).toBeGreaterThanOrEqual(20)
      // the same manager (one process) is refused too: session locks are re-entrant, the set is not
      expect(await a.acquire(key, { waitMs: 5, ttlMs: 5_000 })).toBeNull()
      const waiting = b.acquire(key, { waitMs: 500, ttlMs: 5_000 })
      await new Promise((resolve) => setTimeout(resolve, 20))
      await first!.release()
      const second = await waiting
      expect(second).not.toBeNull()
      expect(second!.waitedMs).toBeGreaterThan(0)
      await second!.release()
    })

    it('many keys at once: every release reaches the holder of its lock, so the other process takes them all', async () => {
      const keys = Array.from({ length: 40 }, () => `booking:${crypto.randomUUID()}`)
      const leases = await Promise.all(keys.map((key) => a.acquire(key, { waitMs: 200, ttlMs: 5_000 })))
      expect(leases.every((lease) => lease !== null)).toBe(true)
      if (b !== a) expect(await b.acquire(keys[0]!, { waitMs: 5, ttlMs: 5_000 })).toBeNull()
      // released in another order than taken: a release must find its lock's session by the key
      await Promise.all(leases.reverse().map((lease) => lease!.release()))
      const taken = await Promise.all(keys.map((key) => b.acquire(key, { waitMs: 50, ttlMs: 5_000 })))
      expect(taken.filter((lease) => lease === null)).toHaveLength(0)
      await Promise.all(taken.map((lease) => lease!.release()))
    })
  })
}

describe(`locks (${driver})`, () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  lockContract(
    'advisory locks',
    () => createAdvisoryLockManager(engine.database),
    () => engine.database.driver === 'pglite',
  )
  lockContract('redis locks', () => createRedisLockManager(REDIS_URL, { prefix }))

  it('redis: a lease that outlived its TTL does not delete the next holder’s lock (compare-and-delete)', async () => {
    const a = createRedisLockManager(REDIS_URL, { prefix })
    const b = createRedisLockManager(REDIS_URL, { prefix })
    try {
      const key = `booking:${crypto.randomUUID()}`
      const stale = await a.acquire(key, { waitMs: 10, ttlMs: 40 })
      expect(stale).not.toBeNull()
      const next = await b.acquire(key, { waitMs: 300, ttlMs: 5_000 })
      expect(next).not.toBeNull()
      await stale!.release()
      // still held by `next`
      expect(await a.acquire(key, { waitMs: 20, ttlMs: 5_000 })).toBeNull()
      await next!.release()
      expect(await a.acquire(key, { waitMs: 20, ttlMs: 5_000 })).not.toBeNull()
    } finally {
      await a.close()
      await b.close()
    }
  })
})

describe(`coordinator on Redis locks (${driver})`, () => {
  let engine: TestEngine
  let restaurantId: string
  beforeAll(async () => {
    engine = await createTestEngine({ REDIS_URL }, { workers: false, v3: { redisPrefix: prefix } })
    restaurantId = await seedRestaurant(engine)
    await engine.flags.setRule(
      'assignment.pipeline_v3',
      { restaurantId: restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it('uses Redis when REDIS_URL is set: a held booking lock is noop(lock_contention), then it confirms', async () => {
    expect(engine.v3.resilience.locks.kind).toBe('redis')
    const booking = await insertBooking(engine, restaurantId)
    const other = createRedisLockManager(REDIS_URL, { prefix })
    try {
      const held = await other.acquire(`booking:${booking.id}`, { waitMs: 10, ttlMs: 5_000 })
      expect(await engine.v3.coordinator.processBooking(booking.id)).toMatchObject({
        outcome: 'noop',
        reason: 'lock_contention',
      })
      await held!.release()
      expect((await engine.v3.coordinator.processBooking(booking.id)).outcome).toBe('confirmed')
    } finally {
      await other.close()
    }
  })
})
