import crypto from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { runPrepared, type PreparedStatement } from '../db/prepared.ts'
import { assignmentBulkheadPermits } from '../db/schema/resilience.ts'

export interface BulkheadPermit {
  token: string
  release(): Promise<void>
}

const acquireStatement: PreparedStatement = {
  name: 'maitre_bulkhead_acquire_v1',
  text: `select maitre_bulkhead_acquire($1::uuid, $2::uuid, $3::uuid, $4::int, $5::timestamptz, $6::timestamptz) as ok`,
}

const liveStatement: PreparedStatement = {
  name: 'maitre_bulkhead_live_v1',
  text: `select restaurant_id::text as restaurant_id, count(*)::int as n from assignment_bulkhead_permits
          where expires_at > $1::timestamptz group by restaurant_id`,
}

/**
 * The per-restaurant bulkhead of V3, shared by every engine process through the database: at most
 * `max` assignments in flight per restaurant (flag assignment.pipeline_v3_max_parallel, read per
 * call so a change applies at once). A permit expires after `ttlMs` so a process that died holding
 * one gives its slot back; a refusal is the caller's retry(2000 ms), never a lost booking.
 */
export function createDatabaseBulkhead(db: Database, options: { ttlMs?: number; now?: () => Date } = {}) {
  const ttlMs = options.ttlMs ?? 30_000
  const now = options.now ?? (() => new Date())
  return {
    async tryAcquire(restaurantId: string, bookingId: string, max: number): Promise<BulkheadPermit | null> {
      const token = crypto.randomUUID()
      const at = now()
      const [row] = await runPrepared<{ ok: boolean }>(db, acquireStatement, [
        restaurantId,
        bookingId,
        token,
        max,
        at.toISOString(),
        new Date(at.getTime() + ttlMs).toISOString(),
      ])
      if (row?.ok !== true) return null
      let released = false
      return {
        token,
        async release() {
          if (released) return
          released = true
          await db.delete(assignmentBulkheadPermits).where(eq(assignmentBulkheadPermits.token, token))
        },
      }
    },
    /** live permits per restaurant, for sampling in benchmarks and the operator */
    async inFlight(): Promise<Map<string, number>> {
      const rows = await runPrepared<{ restaurant_id: string; n: number }>(db, liveStatement, [now().toISOString()])
      return new Map(rows.map((row) => [row.restaurant_id, Number(row.n)]))
    },
  }
}

export type DatabaseBulkhead = ReturnType<typeof createDatabaseBulkhead>
