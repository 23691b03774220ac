import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { waitFor } from '../helpers/wait.ts'

// Retry policy v2's decisions, each driven through the real path: intake, the inline attempt, the
// background job and its worker. Each decision is one auto_assign.retry_decision event.
const twoTops = {
  name: 'Two Tops',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: [
    { key: 'T1', zone: 'main', capacity: 2 },
    { key: 'T2', zone: 'main', capacity: 2 },
  ],
  adjacency: [['T1', 'T2']],
}
const guest = { name: 'Grace Hopper', email: 'grace@example.com' }
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

async function decisionsOf(engine: TestEngine, bookingId: string) {
  await engine.events.flush()
  const { rows } = await engine.database.executeSql(
    `select context from observability_events
      where booking_id = $1 and event_type = 'auto_assign.retry_decision' order by occurred_at, id`,
    [bookingId],
  )
  return rows.map((row) => row.context as Record<string, unknown>)
}

async function reviewed(engine: TestEngine, bookingId: string) {
  return waitFor(async () => {
    const booking = await engine.bookings.get(bookingId)
    return booking.assignmentState === 'manual_review' ? booking : undefined
  }, 30_000)
}

describe('retry policy v2 decisions: skip and cap', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine(
      { FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' },
      {
        workerConcurrency: 1,
        retryTimings: { capacitySpacingMs: 200, capacityAttempts: 2, maxAttempts: 5, transientBaseMs: 20 },
      },
    )
    await engine.restaurants.putFloor('two-tops', twoTops)
  })
  afterAll(() => engine.dispose())

  it('skips the first job attempt after a fresh inline hard failure', async () => {
    const answer = await engine.bookings.create({ restaurant: 'two-tops', startAt: inDays(2), partySize: 9, guest })
    expect(answer.autoAssign).toMatchObject({ outcome: 'queued', reason: 'PARTY_TOO_LARGE' })
    await reviewed(engine, answer.booking.id)
    expect(await decisionsOf(engine, answer.booking.id)).toEqual([
      {
        decision: 'skip_first_attempt',
        policy: 'v2',
        attempt_number: 1,
        reason: 'PARTY_TOO_LARGE',
        pipeline: 'legacy',
      },
    ])
    const attempts = await engine.database.executeSql(
      `select 1 from assignment_attempts where booking_id = $1 and trigger = 'job'`,
      [answer.booking.id],
    )
    expect(attempts.rows).toHaveLength(0)
  })

  it('caps capacity failures at capacityAttempts, before maxAttempts', async () => {
    const seated = await engine.bookings.create({ restaurant: 'two-tops', startAt: inDays(3), partySize: 4, guest })
    expect(seated.autoAssign.outcome).toBe('confirmed')
    const full = await engine.bookings.create({ restaurant: 'two-tops', startAt: inDays(3), partySize: 2, guest })
    expect(full.autoAssign).toMatchObject({ outcome: 'queued', reason: 'NO_AVAILABILITY' })
    await reviewed(engine, full.booking.id)
    expect(await decisionsOf(engine, full.booking.id)).toEqual([
      {
        decision: 'cap_capacity_retries',
        policy: 'v2',
        attempt_number: 2,
        reason: 'NO_AVAILABILITY',
        pipeline: 'legacy',
      },
    ])
  })
})

describe('retry policy v2 decisions: relax after a timeout, stop on a hard reason', () => {
  let engine: TestEngine
  beforeAll(async () => {
    // the database "stalls" 400 ms before each hold; the inline deadline is 100 ms; an inline
    // failure is never fresh, so a hard one is tried again by the job
    engine = await createTestEngine(
      { FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS: '100', FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' },
      {
        workerConcurrency: 1,
        faults: { delayBeforeHoldMs: 400 },
        retryTimings: { inlineFreshnessMs: -1, transientBaseMs: 20 },
      },
    )
    await engine.restaurants.putFloor('two-tops', twoTops)
  })
  afterAll(() => engine.dispose())

  it('relaxes the knobs of the first job attempt after an inline timeout', async () => {
    const answer = await engine.bookings.create({ restaurant: 'two-tops', startAt: inDays(2), partySize: 2, guest })
    expect(answer.autoAssign.outcome).toBe('timeout')
    await waitFor(async () => {
      const booking = await engine.bookings.get(answer.booking.id)
      return booking.status === 'confirmed' ? booking : undefined
    }, 30_000)
    expect(await decisionsOf(engine, answer.booking.id)).toEqual([
      { decision: 'relax_after_timeout', policy: 'v2', attempt_number: 1, reason: 'TIMEOUT', pipeline: 'legacy' },
    ])
  })

  it('stops at the first job attempt that fails for a hard reason', async () => {
    const answer = await engine.bookings.create({ restaurant: 'two-tops', startAt: inDays(2), partySize: 9, guest })
    expect(answer.autoAssign).toMatchObject({ outcome: 'queued', reason: 'PARTY_TOO_LARGE' })
    await reviewed(engine, answer.booking.id)
    expect(await decisionsOf(engine, answer.booking.id)).toEqual([
      {
        decision: 'stop_on_hard_reason',
        policy: 'v2',
        attempt_number: 1,
        reason: 'PARTY_TOO_LARGE',
        pipeline: 'legacy',
      },
    ])
  })
})
