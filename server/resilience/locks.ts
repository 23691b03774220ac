import crypto from 'node:crypto'
import type pg from 'pg'
import { Redis } from 'ioredis'
import { dedicatedClient, endDedicatedClient, type DatabaseHandle } from '../db/client.ts'

/**
 * Per-booking locks for the V3 coordinator. They are for efficiency only (two workers must not
 * both spend a planner run on one booking); correctness comes from the database (the exclusion
 * constraint, the state machine's version check). A lost lock is harmless, a held one expires.
 */
export interface LockLease {
  key: string
  /** how long acquiring it took (the coordinator's lock wait) */
  waitedMs: number
  release(): Promise<void>
}

export interface LockManager {
  readonly kind: 'advisory' | 'redis'
  /** resolves null when the lock stayed taken for `waitMs` */
  acquire(key: string, options: { waitMs: number; ttlMs: number }): Promise<LockLease | null>
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `attempt` until it succeeds or `waitMs` passed: 1 ms, then doubling up to 8 ms. */
async function pollFor(attempt: () => Promise<boolean>, waitMs: number): Promise<number | null> {
  const started = performance.now()
  for (let pause = 1; ; pause = Math.min(pause * 2, 8)) {
    if (await attempt()) return performance.now() - started
    if (performance.now() - started + pause > waitMs) return null
    await sleep(pause)
  }
}

interface SqlSession {
  query(text: string, values: unknown[]): Promise<Array<Record<string, unknown>>>
  /** statements queued or running on the session */
  pending(): number
  close(): Promise<void>
}

/** A dedicated connection (its session holds the advisory locks), reconnected after an error. */
function postgresSession(databaseUrl: string): SqlSession {
  let client: Promise<pg.Client> | null = null
  const connect = () => {
    const created = dedicatedClient(databaseUrl, { applicationName: 'maitre-locks' })
    created.on('error', () => {
      // the session and its locks are gone; the next call reconnects
      if (client === connecting) client = null
    })
    const connecting: Promise<pg.Client> = created.connect().then(
      () => created,
      async (error: unknown) => {
        await endDedicatedClient(created)
        throw error
      },
    )
    return connecting
  }
  // one statement at a time on the session (node-postgres queues them, but will stop doing so)
  let tail: Promise<unknown> = Promise.resolve()
  let closed = false
  let pending = 0
  return {
    pending: () => pending,
    query(text, values) {
      pending++
      const run = tail.then(async () => {
        // a release that arrives after close must not open a new session (nothing would end it)
        if (closed) throw new Error('the lock session is closed')
        const current = (client ??= connect())
        try {
          return (await (await current).query(text, values)).rows
        } catch (error) {
          // a failed statement may mean a dead session: drop it (its locks went with it)
          if (client === current) client = null
          void current.then((dead) => endDedicatedClient(dead)).catch(() => {})
          throw error
        }
      })
      tail = run.catch(() => {})
      void tail.then(() => pending--)
      return run
    },
    async close() {
      closed = true
      const current = client
      client = null
      // a connect still in flight is bounded by the connect timeout; the end is bounded too
      if (current) await current.then((open) => endDedicatedClient(open)).catch(() => {})
    },
  }
}

const LOCK_NAMESPACE = 'maitre:booking-lock'

/**
 * Postgres advisory locks (`pg_try_advisory_lock`), held by a few dedicated sessions (8: each runs
 * one statement at a time, so fewer coordinators of a burst queue behind each other). A lock is
 * asked on the session with the fewest statements waiting (a lock's wait is the coordinator's lock
 * wait, and a session picked by the key's hash was often busy with another key's unlock); its
 * unlock goes to the session that took it. Not
 * `pg_advisory_xact_lock`: that would keep a pooled connection in a transaction for the whole
 * coordinator run (see ADR 017). Session locks are re-entrant, so an in-process set refuses a key
 * this process already holds. On PGlite (one process by nature) the one connection is the session.
 */
export function createAdvisoryLockManager(handle: DatabaseHandle, options: { sessions?: number } = {}): LockManager {
  const sessions: SqlSession[] =
    handle.driver === 'postgres' && handle.databaseUrl
      ? Array.from({ length: options.sessions ?? 8 }, () => postgresSession(handle.databaseUrl!))
      : [
          {
            query: async (text, values) => (await handle.executeSql(text, values)).rows,
            pending: () => 0,
            close: async () => {},
          },
        ]
  // the keys this process holds or is asking for, and the session that holds each
  const held = new Map<string, SqlSession | null>()
  const leastBusy = () => sessions.reduce((best, session) => (session.pending() < best.pending() ? session : best))

  async function tryLock(key: string): Promise<boolean> {
    if (held.has(key)) return false
    const session = leastBusy()
    held.set(key, null)
    try {
      const [row] = await session.query('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as ok', [
        LOCK_NAMESPACE,
        key,
      ])
      if (row?.ok === true) {
        held.set(key, session)
        return true
      }
    } catch (error) {
      console.error('[locks] advisory lock failed:', (error as Error).message)
    }
    held.delete(key)
    return false
  }

  return {
    kind: 'advisory',
    async acquire(key, { waitMs }) {
      const waited = await pollFor(() => tryLock(key), waitMs)
      if (waited === null) return null
      let released = false
      return {
        key,
        waitedMs: waited,
        async release() {
          if (released) return
          released = true
          try {
            await held.get(key)?.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, key])
          } catch {
            // the session died and took the lock with it
          } finally {
            held.delete(key)
          }
        },
      }
    },
    async close() {
      await Promise.all(sessions.map((session) => session.close()))
    },
  }
}

// Deletes the key only while it still holds our token: a lease that outlived its TTL must not
// release the lock someone else took since.
const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

/** Redis locks: SET key token NX PX ttl, released by compare-and-delete. */
export function createRedisLockManager(redisUrl: string, options: { prefix?: string } = {}): LockManager {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true })
  redis.on('error', (error) => console.error('[locks] redis:', error.message))
  const prefix = options.prefix ?? 'maitre:lock:'
  return {
    kind: 'redis',
    async acquire(key, { waitMs, ttlMs }) {
      const token = crypto.randomUUID()
      const redisKey = `${prefix}${key}`
      const waited = await pollFor(async () => {
        try {
          return (await redis.set(redisKey, token, 'PX', ttlMs, 'NX')) === 'OK'
        } catch (error) {
          console.error('[locks] redis SET failed:', (error as Error).message)
          return false
        }
      }, waitMs)
      if (waited === null) return null
      let released = false
      return {
        key,
        waitedMs: waited,
        async release() {
          if (released) return
          released = true
          await redis.eval(COMPARE_AND_DELETE, 1, redisKey, token).catch(() => {})
        },
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
