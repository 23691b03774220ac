import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { insertBooking, seedRestaurant } from '../helpers/bookings.ts'
import { createCoordinator } from '../../server/assignment/pipelines/v3/coordinator.ts'
import { createV3Resilience } from '../../server/resilience/v3-resilience.ts'
import { runAssignmentAttempt } from '../../server/assignment/attempt.ts'
import { DEFAULT_KNOBS } from '../../server/assignment/quote.ts'
import { seatThrough } from '../../server/assignment/confirm.ts'
import type { AssignmentFaults } from '../../server/assignment/assignment-deps.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { waitFor } from '../helpers/wait.ts'
import { findBookingById } from '../../server/db/queries/bookings.ts'
import type { LockManager } from '../../server/resilience/locks.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const timings = {
  maxAttempts: 3,
  transientBaseMs: 20,
  capacitySpacingMs: 50,
  capacityAttempts: 3,
  inlineFreshnessMs: 300_000,
}

describe(`pipeline V3 coordinator (${driver})`, () => {
  let engine: TestEngine
  let restaurantId: string
  let day = 2
  /** each test books its own day, so tests do not compete for tables */
  const nextDay = () => new Date(Date.now() + day++ * 86_400_000)
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
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

  const sql = async (text: string, values: unknown[] = []) => (await engine.database.executeSql(text, values)).rows

  async function footprint(bookingId: string) {
    const [row] = await sql(
      `select b.assignment_state as state, b.assignment_state_version as version,
              (select count(*)::int from assignment_state_history h where h.booking_id = b.id) as history,
              (select count(*)::int from assignment_attempts a where a.booking_id = b.id) as attempts,
              (select count(*)::int from table_allocations t where t.booking_id = b.id and t.released_at is null) as allocations,
              (select count(*)::int from email_outbox e where e.booking_id = b.id) as emails
         from bookings b where b.id = $1`,
      [bookingId],
    )
    return row as {
      state: string
      version: number
      history: number
      attempts: number
      allocations: number
      emails: number
    }
  }

  /** Runs `body` with the restaurant's max_parallel rule at `value`; the rule goes however it ends. */
  async function withMaxParallel(value: number, body: () => Promise<void>) {
    const rule = (enabled: boolean) =>
      engine.flags.setRule(
        'assignment.pipeline_v3_max_parallel',
        { restaurantId },
        enabled ? { enabled, value } : { enabled },
        { actor: 'test', comment: enabled ? 'test setup' : 'test teardown' },
      )
    await rule(true)
    try {
      await body()
    } finally {
      await rule(false)
    }
  }

  /** a coordinator of its own (fresh breakers), with fault hooks */
  function coordinatorWith(faults: AssignmentFaults, breaker = { threshold: 2, halfOpenAfterMs: 300 }) {
    const resilience = createV3Resilience(engine.database, engine.events, {
      breakerThreshold: breaker.threshold,
      breakerHalfOpenAfterMs: breaker.halfOpenAfterMs,
    })
    const coordinator = createCoordinator({ ...engine.assignment, faults }, resilience, { timings, cutoffMinutes: 15 })
    return { coordinator, resilience }
  }

  it('walks created -> ... -> confirmed with history, events, a v3 attempt row and one email', async () => {
    const booking = await insertBooking(engine, restaurantId, { partySize: 4, startAt: nextDay() })
    const result = await engine.v3.coordinator.processBooking(booking.id, 'job')
    expect(result).toMatchObject({ outcome: 'confirmed', attemptNumber: 1 })
    expect(result.lockWaitMs).toBeGreaterThanOrEqual(0)
    const history = await sql(
      `select from_state, to_state, pipeline from assignment_state_history where booking_id = $1 order by id`,
      [booking.id],
    )
    expect(history.map((h) => `${h.from_state}->${h.to_state}`)).toEqual([
      'created->capacity_verified',
      'capacity_verified->assignment_pending',
      'assignment_pending->assignment_in_progress',
      'assignment_in_progress->assigned',
      'assigned->confirmed',
    ])
    expect(history.every((h) => h.pipeline === 'v3')).toBe(true)
    expect(await footprint(booking.id)).toMatchObject({
      state: 'confirmed',
      version: 5,
      attempts: 1,
      allocations: 1,
      emails: 1,
    })
    const [attempt] = await sql(
      `select pipeline, trigger, outcome, strategy from assignment_attempts where booking_id = $1`,
      [booking.id],
    )
    expect(attempt).toMatchObject({ pipeline: 'v3', trigger: 'job', outcome: 'confirmed' })
    expect((attempt!.strategy as { score: number }).score).toBeTypeOf('number')
    await engine.events.flush()
    const types = (
      await sql(`select event_type from observability_events where booking_id = $1 order by id`, [booking.id])
    ).map((e) => e.event_type)
    expect(types).toEqual(expect.arrayContaining(['coordinator.started', 'coordinator.finished', 'booking.confirmed']))
    expect(types.filter((t) => t === 'booking.assignment_state_transition')).toHaveLength(5)
    expect(engine.events.stats().problems).toEqual({})
  })

  it('a party the floor can never seat is failed (manual_review outcome), without an attempt at the tables', async () => {
    const booking = await insertBooking(engine, restaurantId, { partySize: 40, startAt: nextDay() })
    const result = await engine.v3.coordinator.processBooking(booking.id)
    expect(result).toMatchObject({ outcome: 'manual_review', state: 'failed', reason: 'PARTY_TOO_LARGE' })
    expect(await footprint(booking.id)).toMatchObject({ state: 'failed', allocations: 0, emails: 0 })
    expect((await engine.v3.coordinator.processBooking(booking.id)).outcome).toBe('noop')
  })

  it('lock contention: noop(lock_contention) and nothing written', async () => {
    const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    const held = await engine.v3.resilience.locks.acquire(`booking:${booking.id}`, { waitMs: 10, ttlMs: 5_000 })
    expect(held).not.toBeNull()
    const before = await footprint(booking.id)
    const result = await engine.v3.coordinator.processBooking(booking.id)
    expect(result).toMatchObject({ outcome: 'noop', reason: 'lock_contention' })
    expect(await footprint(booking.id)).toEqual(before)
    await held!.release()
    expect((await engine.v3.coordinator.processBooking(booking.id)).outcome).toBe('confirmed')
  })

  it('the first reads go out beside the lock: the permit is taken while the lock is asked; a lock that stays taken gives it back', async () => {
    const permits = async (bookingId: string) =>
      Number(
        (await sql(`select count(*)::int as n from assignment_bulkhead_permits where booking_id = $1`, [bookingId]))[0]!
          .n,
      )
    const resilience = createV3Resilience(engine.database, engine.events)
    // the real lock manager, its answer held back until the test opens the gate
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const gated: LockManager = {
      kind: resilience.locks.kind,
      close: () => resilience.locks.close(),
      acquire: async (key, options) => {
        await gate
        return resilience.locks.acquire(key, options)
      },
    }
    const coordinator = createCoordinator(
      engine.assignment,
      { ...resilience, locks: gated },
      { timings, cutoffMinutes: 15 },
    )
    const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    const run = coordinator.processBooking(booking.id, 'job', { restaurantId })
    await waitFor(
      async () => ((await permits(booking.id)) === 1 ? true : undefined),
      5_000,
      'the permit beside the lock',
    )
    open()
    expect((await run).outcome).toBe('confirmed')
    expect(await permits(booking.id)).toBe(0)

    const contended = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    const held = await resilience.locks.acquire(`booking:${contended.id}`, { waitMs: 10, ttlMs: 5_000 })
    expect(held).not.toBeNull()
    const before = await footprint(contended.id)
    expect(await coordinator.processBooking(contended.id, 'job', { restaurantId })).toMatchObject({
      outcome: 'noop',
      reason: 'lock_contention',
    })
    expect(await permits(contended.id)).toBe(0)
    expect(await footprint(contended.id)).toEqual(before)
    await held!.release()
    await resilience.close()
  })

  it('a booking past its cutoff goes to manual review even while its lock stays taken', async () => {
    const { coordinator, resilience } = coordinatorWith({})
    const booking = await insertBooking(engine, restaurantId, { startAt: new Date(Date.now() + 10 * 60_000) })
    const held = await resilience.locks.acquire(`booking:${booking.id}`, { waitMs: 10, ttlMs: 5_000 })
    expect(held).not.toBeNull()
    expect(await coordinator.processBooking(booking.id, 'job', { restaurantId })).toMatchObject({
      outcome: 'manual_review',
      reason: 'CUTOFF',
      lockWaitMs: 50,
    })
    expect(await footprint(booking.id)).toMatchObject({ state: 'manual_review', allocations: 0, emails: 0 })
    // a booking still before its cutoff is only told the lock is taken
    const later = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    const heldLater = await resilience.locks.acquire(`booking:${later.id}`, { waitMs: 10, ttlMs: 5_000 })
    expect(await coordinator.processBooking(later.id, 'job', { restaurantId })).toMatchObject({
      outcome: 'noop',
      reason: 'lock_contention',
    })
    await Promise.all([held!.release(), heldLater!.release()])
    await resilience.close()
  })

  it("the job's read is used as is: a stale one meets the version check, a fresh one seats with its count", async () => {
    const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    const stale = (await findBookingById(engine.db, booking.id))!
    // someone moved it since the job read it (its version went up)
    await sql(`update bookings set assignment_state_version = assignment_state_version + 1 where id = $1`, [booking.id])
    const known = (read: typeof stale, pipelineAttempts: number) => ({
      restaurantId,
      read: { booking: read, pipelineAttempts },
    })
    expect(await engine.v3.coordinator.processBooking(booking.id, 'job', known(stale, 0))).toMatchObject({
      outcome: 'retry',
      reason: 'VERSION_CONFLICT',
    })
    expect(await footprint(booking.id)).toMatchObject({ allocations: 0, emails: 0 })
    // the count comes from the caller too: the attempt is numbered after the two it says were made
    const fresh = (await findBookingById(engine.db, booking.id))!
    expect(await engine.v3.coordinator.processBooking(booking.id, 'job', known(fresh, 2))).toMatchObject({
      outcome: 'confirmed',
      attemptNumber: 3,
    })
  })

  it('bulkhead full: retry(2000) with the booking untouched; confirmed once a permit frees', async () => {
    await withMaxParallel(1, async () => {
      const occupier = await insertBooking(engine, restaurantId, { startAt: nextDay() })
      const permit = await engine.v3.resilience.bulkhead.tryAcquire(restaurantId, occupier.id, 1)
      expect(permit).not.toBeNull()
      const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
      const before = await footprint(booking.id)
      const refused = await engine.v3.coordinator.processBooking(booking.id)
      expect(refused).toMatchObject({ outcome: 'retry', delayMs: 2000, reason: 'BULKHEAD_FULL' })
      expect(await footprint(booking.id)).toEqual(before)
      await permit!.release()
      expect((await engine.v3.coordinator.processBooking(booking.id)).outcome).toBe('confirmed')
    })
  })

  it('a bulkhead this process fills is refused before the lock, with no round trip; a permit held elsewhere is refused by the database', async () => {
    await withMaxParallel(1, async () => {
      const occupier = await insertBooking(engine, restaurantId, { startAt: nextDay() })
      const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
      const before = await footprint(booking.id)
      const finalEvent = async () => {
        await engine.events.flush()
        const [row] = await sql(
          `select context from observability_events where booking_id = $1 and event_type = 'coordinator.retry'
          order by id desc limit 1`,
          [booking.id],
        )
        return row?.context as Record<string, unknown> | undefined
      }

      const mine = await engine.v3.resilience.bulkhead.tryAcquire(restaurantId, occupier.id, 1)
      expect(mine).not.toBeNull()
      const refused = await engine.v3.coordinator.processBooking(booking.id, 'job', { restaurantId })
      expect(refused).toMatchObject({ outcome: 'retry', delayMs: 2000, reason: 'BULKHEAD_FULL', lockWaitMs: 0 })
      expect(await finalEvent()).toMatchObject({ reason: 'BULKHEAD_FULL', locked: false, trigger: 'job' })
      expect(await footprint(booking.id)).toEqual(before)
      await mine!.release()

      // a permit of another process is not counted here: the lock is taken and the database refuses
      const elsewhere = createV3Resilience(engine.database, engine.events)
      const theirs = await elsewhere.bulkhead.tryAcquire(restaurantId, occupier.id, 1)
      expect(theirs).not.toBeNull()
      const byDatabase = await engine.v3.coordinator.processBooking(booking.id, 'job', { restaurantId })
      expect(byDatabase).toMatchObject({ outcome: 'retry', reason: 'BULKHEAD_FULL' })
      expect(await finalEvent()).toMatchObject({ reason: 'BULKHEAD_FULL', locked: true })
      expect(await footprint(booking.id)).toEqual(before)
      await theirs!.release()
      await elsewhere.close()

      expect((await engine.v3.coordinator.processBooking(booking.id, 'job', { restaurantId })).outcome).toBe(
        'confirmed',
      )
      // every slot was given back: the next booking is admitted
      const next = await insertBooking(engine, restaurantId, { startAt: nextDay() })
      expect((await engine.v3.coordinator.processBooking(next.id, 'job', { restaurantId })).outcome).toBe('confirmed')
    })
  })

  it('the V3 seat is one statement: hold, assigned and confirm; a taken table writes nothing', async () => {
    const startAt = nextDay()
    const first = await insertBooking(engine, restaurantId, { startAt })
    expect((await engine.v3.coordinator.processBooking(first.id, 'job')).outcome).toBe('confirmed')
    const [held] = await sql(
      `select table_id::text as id from table_allocations where booking_id = $1 and released_at is null`,
      [first.id],
    )
    const second = await insertBooking(engine, restaurantId, { startAt, state: 'assignment_pending' })
    await engine.stateMachine.walk(engine.db, [
      { bookingId: second.id, to: 'assignment_in_progress', actor: 'coordinator', pipeline: 'v3' },
    ])
    const restaurant = { name: 'Bistro', timezone: 'UTC' }
    const seat = (tableIds: string[]) =>
      seatThrough(engine.db, {
        booking: second,
        restaurant,
        restaurantId,
        tableIds,
        window: { start: second.startAt, end: second.endAt },
        holdTtlMs: 60_000,
        via: 'assigned',
        fromStates: ['assignment_in_progress'],
        tableCount: tableIds.length,
        tableKeys: ['?'],
        lastResult: {
          source: 'job',
          at: new Date().toISOString(),
          success: true,
          reason: null,
          reasonCategory: null,
          strategy: DEFAULT_KNOBS,
          trigger: 'job',
          durationMs: 1,
          attemptId: null,
        },
        actor: 'coordinator',
        now: new Date(),
        attempt: {
          id: crypto.randomUUID(),
          number: 1,
          pipeline: 'v3',
          strategy: {},
          trigger: 'job',
          startedAt: new Date(),
          elapsedMs: 1,
          plan: { tableIds, tableKeys: [] },
        },
      })
    const before = await footprint(second.id)
    expect(await seat([held!.id as string])).toEqual({ ok: false, reason: 'HOLD_CONFLICT' })
    expect(await footprint(second.id)).toEqual(before)

    const [free] = await sql(
      `select t.id::text as id from tables t where t.restaurant_id = $1 and t.capacity >= 2
          and not exists (select 1 from table_allocations a where a.table_id = t.id and a.released_at is null
                            and a."window" && tstzrange($2::timestamptz, $3::timestamptz, '[)'))
        order by t.capacity limit 1`,
      [restaurantId, second.startAt.toISOString(), second.endAt.toISOString()],
    )
    const seated = await seat([free!.id as string])
    expect(seated).toMatchObject({ ok: true, seatedFrom: 'assignment_in_progress', fromState: 'assigned' })
    expect(seated.ok && seated.stateVersion).toBe(before.version + 2)
    expect(seated.ok && seated.assignedVersion).toBe(before.version + 1)
    expect(await footprint(second.id)).toMatchObject({ state: 'confirmed', allocations: 1, emails: 1, attempts: 1 })
    const history = await sql(
      `select from_state, to_state, version from assignment_state_history where booking_id = $1 order by id desc limit 2`,
      [second.id],
    )
    expect(history.reverse()).toEqual([
      { from_state: 'assignment_in_progress', to_state: 'assigned', version: before.version + 1 },
      { from_state: 'assigned', to_state: 'confirmed', version: before.version + 2 },
    ])
    const [allocation] = await sql(`select kind from table_allocations where booking_id = $1 and released_at is null`, [
      second.id,
    ])
    expect(allocation).toEqual({ kind: 'assignment' })
    // not open any more: nothing is held, nothing moves
    expect(await seat([free!.id as string])).toEqual({ ok: false, reason: 'BOOKING_NOT_PENDING' })
  })

  it('never more than max_parallel in flight for a restaurant', async () => {
    await withMaxParallel(2, async () => {
      let peak = 0
      const { coordinator, resilience } = coordinatorWith({
        beforeV3Decide: async () => {
          peak = Math.max(peak, (await resilience.bulkhead.inFlight()).get(restaurantId) ?? 0)
          await new Promise((resolve) => setTimeout(resolve, 20))
        },
      })
      const startAt = nextDay()
      const many = await Promise.all(Array.from({ length: 8 }, () => insertBooking(engine, restaurantId, { startAt })))
      const results = await Promise.all(many.map((b) => coordinator.processBooking(b.id)))
      expect(peak).toBeGreaterThan(0)
      expect(peak).toBeLessThanOrEqual(2)
      expect(results.some((r) => r.outcome === 'retry' && r.reason === 'BULKHEAD_FULL')).toBe(true)
      // refused bookings are not lost: still open, and the next round seats or reviews them
      for (const result of results.filter((r) => r.outcome === 'retry'))
        expect(['created', 'assignment_pending']).toContain((await footprint(result.bookingId)).state)
      await resilience.close()
    })
  })

  it('breaker: infrastructure failures open it (retry without touching the booking), a half-open probe recovers', async () => {
    let failing = true
    // half-open after 1.5 s: on a loaded machine the runs below took longer than a shorter wait
    const { coordinator, resilience } = coordinatorWith(
      {
        beforeV3Decide: () => {
          if (failing) throw new Error('connection terminated unexpectedly')
        },
      },
      { threshold: 2, halfOpenAfterMs: 1_500 },
    )
    const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    for (let i = 0; i < 2; i++)
      expect(await coordinator.processBooking(booking.id)).toMatchObject({ outcome: 'retry', reason: 'DB_ERROR' })
    expect(resilience.breakers.state(restaurantId)).toBe('open')
    const before = await footprint(booking.id)
    const open = await coordinator.processBooking(booking.id)
    expect(open).toMatchObject({ outcome: 'retry', reason: 'CIRCUIT_OPEN' })
    expect(open.outcome === 'retry' && open.delayMs).toBeGreaterThan(0)
    expect(await footprint(booking.id)).toEqual(before)

    failing = false
    await new Promise((resolve) => setTimeout(resolve, 1_600))
    expect(await coordinator.processBooking(booking.id)).toMatchObject({ outcome: 'confirmed' })
    expect(resilience.breakers.state(restaurantId)).toBe('closed')
    await resilience.close()
  })

  it('kill switch mid-flight: the booking goes back to assignment_pending and legacy seats it', async () => {
    const { coordinator, resilience } = coordinatorWith({
      beforeV3Decide: () => {
        engine.config.flagOverrides['assignment.pipeline_v3'] = false
      },
    })
    const booking = await insertBooking(engine, restaurantId, { startAt: nextDay() })
    try {
      const result = await coordinator.processBooking(booking.id)
      expect(result).toMatchObject({ outcome: 'retry', delayMs: 0, reason: 'PIPELINE_SWITCHED' })
      expect(await footprint(booking.id)).toMatchObject({ state: 'assignment_pending', allocations: 0, attempts: 0 })
      // the next step: legacy (the job) continues from where V3 left it
      const [row] = await engine.db.query.bookings.findMany({ where: (b, { eq }) => eq(b.id, booking.id) })
      const legacy = await runAssignmentAttempt(engine.assignment, row!, {
        trigger: 'job',
        pipeline: 'legacy',
        attemptNumber: 1,
        knobs: DEFAULT_KNOBS,
      })
      expect(legacy.success).toBe(true)
      expect((await engine.v3.coordinator.processBooking(booking.id)).outcome).toBe('noop')
      const pipelines = await sql(`select pipeline from assignment_attempts where booking_id = $1`, [booking.id])
      expect(pipelines).toEqual([{ pipeline: 'legacy' }])
    } finally {
      delete engine.config.flagOverrides['assignment.pipeline_v3']
      await resilience.close()
    }
  })

  it('retries back to assignment_pending while tables are full, then manual review after the last attempt', async () => {
    const startAt = nextDay()
    // fill the patio's only table, then ask for the patio
    const patio = (await sql(`select id from zones where restaurant_id = $1 and key = 'patio'`, [restaurantId]))[0]!
      .id as string
    const first = await insertBooking(engine, restaurantId, { startAt, partySize: 4, zoneId: patio })
    expect((await engine.v3.coordinator.processBooking(first.id)).outcome).toBe('confirmed')
    const booking = await insertBooking(engine, restaurantId, { startAt, partySize: 4, zoneId: patio })
    const outcomes: string[] = []
    for (let i = 0; i < 3; i++) outcomes.push((await engine.v3.coordinator.processBooking(booking.id)).outcome)
    expect(outcomes).toEqual(['retry', 'retry', 'manual_review'])
    expect(await footprint(booking.id)).toMatchObject({
      state: 'manual_review',
      attempts: 3,
      allocations: 0,
      emails: 0,
    })
  })
})

describe(`V3 end to end through intake and the job (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_ASSIGNMENT_PIPELINE_V3: '1' }, { workerConcurrency: 4 })
    api = await serveApi(engine)
    const floor = {
      name: 'Six Two-Tops',
      timezone: 'UTC',
      zones: [{ key: 'main', name: 'Main' }],
      tables: Array.from({ length: 6 }, (_, i) => ({ key: `T${i + 1}`, zone: 'main', capacity: 2 })),
      adjacency: Array.from({ length: 5 }, (_, i) => [`T${i + 1}`, `T${i + 2}`]),
    }
    expect((await api.request('PUT', '/api/restaurants/six', floor)).status).toBe(200)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('24 bookings for 6 tables: 6 confirmed by V3 only, the rest in manual review, no overlap, one email each', async () => {
    const startAt = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api.request('POST', '/api/bookings', {
          restaurant: 'six',
          startAt,
          partySize: 2,
          guest: { name: `G${i}`, email: `g${i}@example.com` },
        }),
      ),
    )
    expect(answers.every((a) => a.status === 201)).toBe(true)
    const sql = async (text: string) => (await engine.database.executeSql(text)).rows
    const settled = await waitFor(
      async () => {
        const rows = await sql(`select assignment_state, count(*)::int as n from bookings group by 1`)
        const byState = Object.fromEntries(rows.map((r) => [r.assignment_state as string, Number(r.n)]))
        return (byState.confirmed ?? 0) + (byState.manual_review ?? 0) === 24 ? byState : undefined
      },
      60_000,
      'every booking to settle',
    )
    expect(settled).toEqual({ confirmed: 6, manual_review: 18 })
    expect(await sql(`select distinct pipeline from assignment_attempts`)).toEqual([{ pipeline: 'v3' }])
    const overlaps = await sql(`select count(*)::int as n from table_allocations a join table_allocations b
        on a.table_id = b.table_id and a.id < b.id and a."window" && b."window"
       where a.released_at is null and b.released_at is null`)
    expect(overlaps[0]!.n).toBe(0)
    const emails = await sql(`select b.status, count(e.id)::int as n from bookings b
        left join email_outbox e on e.booking_id = b.id and e.kind = 'confirmation' group by b.id, b.status`)
    for (const row of emails) expect(row.n).toBe(row.status === 'confirmed' ? 1 : 0)
    await engine.events.flush()
    expect(engine.events.stats().problems).toEqual({})
  })

  it('inline admission: above the intake limit the booking is left to its job (INTAKE_BUSY), which seats it at once', async () => {
    const startAt = new Date(Date.now() + 4 * 86_400_000).toISOString()
    const book = (i: number) =>
      api.request('POST', '/api/bookings', {
        restaurant: 'six',
        startAt,
        partySize: 2,
        guest: { name: `A${i}`, email: `a${i}@example.com` },
      })
    const coordinatorRuns = async (bookingId: string) => {
      await engine.events.flush()
      const rows = await engine.database.executeSql(
        `select context->>'trigger' as trigger, context->>'outcome' as outcome from observability_events
          where booking_id = $1 and event_type = 'coordinator.finished'`,
        [bookingId],
      )
      return rows.rows
    }
    // 0: no request is few enough, every booking goes to its job
    await engine.flags.setRule(
      'assignment.pipeline_v3_inline_max_intake',
      { restaurantId: null },
      { enabled: true, value: 0 },
      { actor: 'test', comment: 'test setup' },
    )
    const deferred = await book(1)
    expect(deferred.status).toBe(201)
    expect(deferred.body.autoAssign).toMatchObject({ outcome: 'queued', reason: 'INTAKE_BUSY' })
    expect(deferred.body.booking.status).toBe('pending_allocation')
    const id = deferred.body.booking.id as string
    const runs = await waitFor(
      async () => {
        const found = await coordinatorRuns(id)
        return found.length > 0 ? found : undefined
      },
      10_000,
      'the job to seat the deferred booking',
    )
    expect(runs).toEqual([{ trigger: 'job', outcome: 'confirmed' }])

    await engine.flags.removeRule(
      'assignment.pipeline_v3_inline_max_intake',
      { restaurantId: null },
      { actor: 'test', comment: 'test teardown' },
    )
    const inline = await book(2)
    expect(inline.body.autoAssign).toMatchObject({ outcome: 'confirmed' })
    expect(await coordinatorRuns(inline.body.booking.id as string)).toEqual([
      { trigger: 'inline', outcome: 'confirmed' },
    ])
  })
})
