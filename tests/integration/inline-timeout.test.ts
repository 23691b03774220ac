import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { bookings } from '../../server/db/schema/bookings.ts'
import { tableAllocations } from '../../server/db/schema/allocations.ts'
import { emailOutbox } from '../../server/db/schema/outbox.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'
import { waitFor } from '../helpers/wait.ts'

describe('inline auto-assign under its deadline', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    // the database "stalls" 400 ms after each quote; the inline deadline is 100 ms
    engine = await createTestEngine(
      { FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS: '100', FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' },
      { faults: { delayBeforeHoldMs: 400 } },
    )
    api = await serveApi(engine)
    await api.request('PUT', '/api/restaurants/slow', smallFloor())
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('answers 201 "timeout" on time, stops the work, records the result, and the job takes over', async () => {
    const started = performance.now()
    const response = await api.request('POST', '/api/bookings', {
      restaurant: 'slow',
      startAt: new Date(Date.now() + 86_400_000).toISOString(),
      partySize: 2,
      guest: { name: 'Slow Path', email: 'slow@example.com' },
    })
    const elapsed = performance.now() - started
    expect(response.status).toBe(201)
    expect(response.body.autoAssign.outcome).toBe('timeout')
    expect(response.body.autoAssign.reason).toBe('TIMEOUT')
    expect(response.body.autoAssign.durationMs).toBeGreaterThanOrEqual(99)
    expect(elapsed).toBeLessThan(400) // the answer did not wait for the stalled step
    const bookingId = response.body.booking.id

    const [afterAnswer] = await engine.db.select().from(bookings).where(eq(bookings.id, bookingId))
    expect(afterAnswer!.autoAssignLastResult).toMatchObject({
      source: 'inline',
      success: false,
      reason: 'TIMEOUT',
      reasonCategory: 'transient',
      trigger: 'inline',
      emailQueued: false,
    })

    // the aborted inline attempt never took a hold: it stopped at the abort
    await new Promise((resolve) => setTimeout(resolve, 450))
    const attempts = await engine.database.executeSql(
      `select trigger, outcome, reason_code from assignment_attempts where booking_id = $1 order by started_at`,
      [bookingId],
    )
    expect(attempts.rows[0]).toEqual({ trigger: 'inline', outcome: 'failed', reason_code: 'TIMEOUT' })

    const confirmed = await waitFor(async () => {
      const [row] = await engine.db.select().from(bookings).where(eq(bookings.id, bookingId))
      return row!.status === 'confirmed' ? row : undefined
    })
    expect(confirmed!.autoAssignLastResult).toMatchObject({ source: 'job', success: true, trigger: 'job' })
    // after an inline timeout, policy v2 relaxes the first job attempt's knobs
    expect(confirmed!.autoAssignLastResult!.strategy).toEqual({ requireAdjacency: true, maxTables: 4 })
    const allocations = await engine.db.select().from(tableAllocations).where(eq(tableAllocations.bookingId, bookingId))
    expect(allocations.filter((a) => a.releasedAt === null).map((a) => a.kind)).toEqual(['assignment'])
    expect(await engine.db.select().from(emailOutbox).where(eq(emailOutbox.bookingId, bookingId))).toHaveLength(1)

    await engine.events.flush()
    const events = await api.request('GET', `/api/events?booking=${bookingId}`)
    const types = events.body.events.map((e: { type: string }) => e.type)
    expect(types).toContain('inline_auto_assign.timeout')
    expect(types).toContain('auto_assign.summary')
    const finished = events.body.events.find((e: { type: string }) => e.type === 'inline_auto_assign.finished')
    expect(finished.context).toMatchObject({ outcome: 'timeout', timed_out: true, reason: 'TIMEOUT' })
  })
})
