import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { tableAllocations } from '../../server/db/schema/allocations.ts'
import { bookings } from '../../server/db/schema/bookings.ts'
import { placeHold } from '../../server/assignment/holds.ts'
import { confirmHold } from '../../server/assignment/confirm.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

describe('holds and confirmation', () => {
  let engine: TestEngine
  let api: TestApi
  let restaurantId: string
  let tableIds: Map<string, string>
  const start = new Date(Date.now() + 3 * 86_400_000)
  const window = { start, end: new Date(start.getTime() + 105 * 60_000) }

  beforeAll(async () => {
    // no background worker: these tests drive holds and confirms by hand
    engine = await createTestEngine({}, { workers: false })
    api = await serveApi(engine)
    const created = await api.request('PUT', '/api/restaurants/holds', smallFloor())
    expect(created.status).toBeLessThan(300)
    const rows = await engine.database.executeSql(
      `select t.id, t.key, t.restaurant_id from tables t join restaurants r on r.id = t.restaurant_id where r.slug = 'holds'`,
    )
    restaurantId = String(rows.rows[0]!.restaurant_id)
    tableIds = new Map(rows.rows.map((row) => [String(row.key), String(row.id)]))
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  async function pendingBooking(name: string) {
    const [row] = await engine.db
      .insert(bookings)
      .values({
        reference: `MT-${name}`,
        restaurantId,
        partySize: 2,
        startAt: window.start,
        endAt: window.end,
        guestName: name,
        guestEmail: `${name.toLowerCase()}@example.com`,
      })
      .returning()
    return row!
  }

  function confirmInput(booking: Awaited<ReturnType<typeof pendingBooking>>, holdId: string, now: Date) {
    return {
      booking,
      restaurant: { name: 'Test Bistro', timezone: 'Europe/Paris' },
      holdId,
      tableCount: 1,
      tableKeys: ['T1'],
      lastResult: {
        source: 'manual' as const,
        at: now.toISOString(),
        success: true,
        reason: null,
        reasonCategory: null,
        strategy: { requireAdjacency: true, maxTables: 3 },
        trigger: 'manual',
        durationMs: 1,
        attemptId: null,
      },
      actor: 'test',
      now,
      attempt: {
        id: crypto.randomUUID(),
        number: 1,
        pipeline: 'legacy',
        strategy: { requireAdjacency: true, maxTables: 3 },
        trigger: 'manual',
        startedAt: now,
        elapsedMs: 2.5,
        plan: { tableIds: [tableIds.get('T1')!], tableKeys: ['T1'] },
      },
    }
  }

  it('sweeps an expired hold that overlaps, so the table can be held again; a live hold still blocks', async () => {
    const first = await pendingBooking('First')
    const second = await pendingBooking('Second')
    const t1 = tableIds.get('T1')!
    const heldAt = new Date()
    const firstHold = await placeHold(engine.db, {
      restaurantId,
      bookingId: first.id,
      tableIds: [t1],
      window,
      ttlMs: 1_000,
      now: heldAt,
    })
    expect(firstHold.ok).toBe(true)

    // while it lives, the same table and window cannot be held
    const blocked = await placeHold(engine.db, {
      restaurantId,
      bookingId: second.id,
      tableIds: [t1],
      window,
      ttlMs: 1_000,
      now: new Date(heldAt.getTime() + 500),
    })
    expect(blocked).toEqual({ ok: false, reason: 'HOLD_CONFLICT' })

    // once expired it is swept by the next hold on that table and window
    const later = new Date(heldAt.getTime() + 2_000)
    const secondHold = await placeHold(engine.db, {
      restaurantId,
      bookingId: second.id,
      tableIds: [t1],
      window,
      ttlMs: 60_000,
      now: later,
    })
    expect(secondHold.ok).toBe(true)
    const firstRows = await engine.db.select().from(tableAllocations).where(eq(tableAllocations.bookingId, first.id))
    expect(firstRows).toHaveLength(1)
    expect(firstRows[0]!.releasedAt?.getTime()).toBe(later.getTime())

    // the expired hold cannot be confirmed any more
    if (!firstHold.ok) throw new Error('unreachable')
    expect(await confirmHold(engine.db, confirmInput(first, firstHold.holdId, later))).toEqual({
      ok: false,
      reason: 'HOLD_EXPIRED',
    })
  })

  it('concurrent holds on one table and window: exactly one wins, the others are told HOLD_CONFLICT, never an error', async () => {
    // on Postgres plain inserts that collide under an exclusion constraint can wait on each other
    // and deadlock; the hold must answer a conflict instead
    const t2 = tableIds.get('T2')!
    for (let round = 0; round < 15; round++) {
      const roundStart = new Date(start.getTime() + (round + 10) * 86_400_000)
      const roundWindow = { start: roundStart, end: new Date(roundStart.getTime() + 105 * 60_000) }
      const contenders = await Promise.all(Array.from({ length: 6 }, (_, i) => pendingBooking(`Race${round}x${i}`)))
      const results = await Promise.all(
        contenders.map((booking) =>
          placeHold(engine.db, {
            restaurantId,
            bookingId: booking.id,
            tableIds: [t2],
            window: roundWindow,
            ttlMs: 60_000,
            now: new Date(),
          }),
        ),
      )
      expect(results.filter((result) => result.ok)).toHaveLength(1)
      expect(results.filter((result) => !result.ok)).toEqual(
        Array.from({ length: 5 }, () => ({ ok: false, reason: 'HOLD_CONFLICT' })),
      )
    }
  })

  it('confirms a live hold and records the attempt in the same transaction', async () => {
    const booking = await pendingBooking('Third')
    const t3 = tableIds.get('T3')!
    const now = new Date()
    const hold = await placeHold(engine.db, {
      restaurantId,
      bookingId: booking.id,
      tableIds: [t3],
      window,
      ttlMs: 60_000,
      now,
    })
    if (!hold.ok) throw new Error('the hold should have been placed')
    const input = confirmInput(booking, hold.holdId, now)
    const confirmed = await confirmHold(engine.db, input)
    expect(confirmed).toMatchObject({ ok: true, emailQueued: true, stateVersion: 1 })

    const attempts = await engine.database.executeSql(
      `select id, outcome, trigger, duration_ms, plan from assignment_attempts where booking_id = $1`,
      [booking.id],
    )
    expect(attempts.rows).toHaveLength(1)
    expect(attempts.rows[0]).toMatchObject({ id: input.attempt.id, outcome: 'confirmed', trigger: 'manual' })
    // the caller's 2.5 ms plus the time the function itself took
    expect(Number(attempts.rows[0]!.duration_ms)).toBeGreaterThanOrEqual(2.5)
    const allocations = await engine.db
      .select()
      .from(tableAllocations)
      .where(eq(tableAllocations.bookingId, booking.id))
    expect(allocations.map((row) => [row.kind, row.holdExpiresAt])).toEqual([['assignment', null]])

    // a second confirm of the same booking changes nothing and records nothing
    expect(await confirmHold(engine.db, { ...input, attempt: { ...input.attempt, id: crypto.randomUUID() } })).toEqual({
      ok: false,
      reason: 'BOOKING_NOT_PENDING',
    })
    const after = await engine.database.executeSql(
      `select count(*)::int as n from assignment_attempts where booking_id = $1`,
      [booking.id],
    )
    expect(after.rows[0]!.n).toBe(1)
  })
})
