import crypto from 'node:crypto'
import type { Database } from '../db/client.ts'
import { runPrepared, type PreparedStatement } from '../db/prepared.ts'

export interface BulkheadPermit {
  token: string
  release(): Promise<void>
}

/** A slot of this process's share of the bulkhead, taken before the permit (see reserve). */
export interface BulkheadReservation {
  restaurantId: string
  acquire(bookingId: string): Promise<BulkheadPermit | null>
  cancel(): void
}

const acquireStatement: PreparedStatement = {
  name: 'maitre_bulkhead_acquire_v1',
  text: `select maitre_bulkhead_acquire($1::uuid, $2::uuid, $3::uuid, $4::int, $5::timestamptz, $6::timestamptz) as ok`,
}

const releaseStatement: PreparedStatement = {
  name: 'maitre_bulkhead_release_v1',
  text: `select maitre_bulkhead_release($1::uuid)`,
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
  // This process's own slots per restaurant (token -> expiry, ms): permits it holds, and acquires
  // it has in flight. Every permit of ours is in the table too, and every acquire in flight ends
  // either holding a permit or refused because the table was full; so when our slots alone reach
  // `max`, the database's answer is a refusal, and giving it needs no round trip. The count is
  // local only: below `max` the database decides (other processes hold permits too).
  const slots = new Map<string, Map<string, number>>()
  function slotsHere(restaurantId: string): number {
    const mine = slots.get(restaurantId)
    if (!mine) return 0
    const at = now().getTime()
    let live = 0
    for (const expiresAt of mine.values()) if (expiresAt > at) live++
    return live
  }
  function freeSlot(restaurantId: string, token: string) {
    const mine = slots.get(restaurantId)
    mine?.delete(token)
    if (mine?.size === 0) slots.delete(restaurantId)
  }

  /**
   * Takes a local slot (null: this process alone fills the bulkhead, the refusal is certain); the
   * slot becomes a permit with `acquire` (one round trip) or is given back with `cancel`.
   */
  function reserve(restaurantId: string, max: number): BulkheadReservation | null {
    if (slotsHere(restaurantId) >= max) return null
    const token = crypto.randomUUID()
    const mine = slots.get(restaurantId) ?? new Map<string, number>()
    // an acquire in flight counts until it answers (bounded by the statement timeout; the ttl here)
    slots.set(restaurantId, mine.set(token, now().getTime() + ttlMs))
    let settled = false
    return {
      restaurantId,
      cancel() {
        if (settled) return
        settled = true
        freeSlot(restaurantId, token)
      },
      async acquire(bookingId: string): Promise<BulkheadPermit | null> {
        if (settled) throw new Error(`bulkhead reservation for ${restaurantId} was already used`)
        settled = true
        const at = now()
        let row: { ok: boolean } | undefined
        try {
          ;[row] = await runPrepared<{ ok: boolean }>(db, acquireStatement, [
            restaurantId,
            bookingId,
            token,
            max,
            at.toISOString(),
            new Date(at.getTime() + ttlMs).toISOString(),
          ])
        } catch (error) {
          freeSlot(restaurantId, token)
          throw error
        }
        if (row?.ok !== true) {
          freeSlot(restaurantId, token)
          return null
        }
        mine.set(token, at.getTime() + ttlMs)
        let released = false
        return {
          token,
          async release() {
            if (released) return
            released = true
            try {
              await runPrepared(db, releaseStatement, [token])
            } finally {
              // even when the delete failed (the row then expires): the local count may only ever
              // count fewer permits than the table holds, never more
              freeSlot(restaurantId, token)
            }
          },
        }
      },
    }
  }

  return {
    reserve,
    async tryAcquire(restaurantId: string, bookingId: string, max: number): Promise<BulkheadPermit | null> {
      const reservation = reserve(restaurantId, max)
      return reservation ? reservation.acquire(bookingId) : null
    },
    /** live permits per restaurant, for sampling in benchmarks and the operator */
    async inFlight(): Promise<Map<string, number>> {
      const rows = await runPrepared<{ restaurant_id: string; n: number }>(db, liveStatement, [now().toISOString()])
      return new Map(rows.map((row) => [row.restaurant_id, Number(row.n)]))
    },
  }
}

export type DatabaseBulkhead = ReturnType<typeof createDatabaseBulkhead>
