import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { insertBooking, seedRestaurant } from '../helpers/bookings.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'
import { createLegacyPipeline } from '../../server/assignment/pipelines/legacy/legacy-pipeline.ts'
import { selectPipeline } from '../../server/assignment/pipelines/select.ts'
import { loadSnapshot } from '../../server/assignment/steps/snapshot.ts'
import { seatAtTables } from '../../server/assignment/steps/seat.ts'
import { DEFAULT_KNOBS } from '../../server/assignment/quote.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

describe(`decide / commit seam (${driver})`, () => {
  let engine: TestEngine
  let restaurantId: string
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    restaurantId = await seedRestaurant(engine)
  })
  afterAll(async () => {
    await engine.dispose()
  })

  async function counts() {
    const { rows } = await engine.database.executeSql(`select
        (select count(*)::int from table_allocations) as allocations,
        (select count(*)::int from assignment_attempts) as attempts,
        (select count(*)::int from assignment_state_history) as history,
        (select count(*)::int from email_outbox) as outbox,
        (select count(*)::int from bookings where status = 'confirmed') as confirmed`)
    return rows[0] as { allocations: number; attempts: number; history: number; outbox: number; confirmed: number }
  }

  async function eventsOf(bookingId: string) {
    await engine.events.flush()
    const { rows } = await engine.database.executeSql(
      `select event_type, context from observability_events where booking_id = $1 order by id`,
      [bookingId],
    )
    return rows as Array<{ event_type: string; context: Record<string, unknown> }>
  }

  it('decide writes nothing; commit confirms with one email, an attempt row and both events', async () => {
    const legacy = createLegacyPipeline(engine.assignment)
    const booking = await insertBooking(engine, restaurantId, { partySize: 4, state: 'assignment_pending' })
    const before = await counts()
    const snapshot = await loadSnapshot(engine.assignment, booking)
    const decision = await legacy.decide(booking, snapshot, {
      pipeline: 'legacy',
      shadow: false,
      trigger: 'job',
      attemptNumber: 1,
      knobs: DEFAULT_KNOBS,
    })
    expect(decision.plans.length).toBeGreaterThan(0)
    const best = decision.plans[0]!.tableKeys
    // a party of four: one four-top, none of the two-tops
    expect(best).toHaveLength(1)
    expect(['F1', 'F2', 'P1']).toContain(best[0])
    expect(await counts()).toEqual(before)

    const committed = await legacy.commit(booking, decision, {
      startedAt: new Date(),
      started: performance.now(),
      actor: 'auto_assign:job',
    })
    expect(committed).toMatchObject({ success: true, tableKeys: best, emailQueued: true, stateVersion: 1 })
    const after = await counts()
    expect(after).toMatchObject({
      allocations: before.allocations + 1,
      attempts: before.attempts + 1,
      history: before.history + 1,
      outbox: before.outbox + 1,
      confirmed: before.confirmed + 1,
    })
    const events = await eventsOf(booking.id)
    expect(events.find((e) => e.event_type === 'booking.assignment_state_transition')?.context).toMatchObject({
      from: 'assignment_pending',
      to: 'confirmed',
      version: 1,
      pipeline: 'legacy',
      actor: 'auto_assign:job',
    })
    expect(events.find((e) => e.event_type === 'booking.confirmed')?.context).toMatchObject({
      pipeline: 'legacy',
      shadow: false,
      tables: best,
    })
    expect(events.find((e) => e.event_type === 'auto_assign.quote')?.context).toMatchObject({
      pipeline: 'legacy',
      shadow: false,
    })
  })

  it('a shadow decision cannot be committed', async () => {
    const legacy = createLegacyPipeline(engine.assignment)
    const booking = await insertBooking(engine, restaurantId, { state: 'assignment_pending' })
    const snapshot = await loadSnapshot(engine.assignment, booking)
    const decision = await legacy.decide(booking, snapshot, {
      pipeline: 'v3',
      shadow: true,
      trigger: 'shadow',
      attemptNumber: 1,
      knobs: DEFAULT_KNOBS,
    })
    await expect(legacy.commit(booking, decision, { startedAt: new Date(), started: 0, actor: 'x' })).rejects.toThrow(
      /shadow/,
    )
  })

  it('staff seat: a stale version is refused and writes nothing, the right one confirms once', async () => {
    const booking = await insertBooking(engine, restaurantId, {
      partySize: 4,
      state: 'manual_review',
      startAt: new Date(Date.now() + 5 * 86_400_000),
    })
    const snapshot = await loadSnapshot(engine.assignment, booking)
    const p1 = snapshot.floor.tables.find((t) => snapshot.floor.keyById.get(t.id) === 'P1')!
    const before = await counts()
    const stale = await seatAtTables(engine.assignment, booking, {
      tableIds: [p1.id],
      zoneId: p1.zoneId,
      expectedVersion: 7,
      actor: 'user-1',
    })
    expect(stale).toEqual({ ok: false, reason: 'VERSION_CONFLICT' })
    const afterStale = await counts()
    // the refused confirm gives its hold back (released, not deleted) and records the attempt
    expect(afterStale).toMatchObject({ history: before.history, outbox: before.outbox, confirmed: before.confirmed })

    const seated = await seatAtTables(engine.assignment, booking, {
      tableIds: [p1.id],
      zoneId: p1.zoneId,
      expectedVersion: 0,
      actor: 'user-1',
    })
    expect(seated).toMatchObject({ ok: true, stateVersion: 1, emailQueued: true, tableKeys: ['P1'] })
    const again = await seatAtTables(engine.assignment, booking, {
      tableIds: [p1.id],
      zoneId: p1.zoneId,
      expectedVersion: 1,
      actor: 'user-2',
    })
    expect(again.ok).toBe(false)
    const events = await eventsOf(booking.id)
    expect(events.filter((e) => e.event_type === 'booking.confirmed')).toHaveLength(1)
    expect(events.find((e) => e.event_type === 'booking.assignment_state_transition')?.context).toMatchObject({
      from: 'manual_review',
      to: 'confirmed',
      actor: 'user-1',
    })
  })

  it('selectPipeline: default legacy; a restaurant rule turns V3 on per booking; shadow only beside legacy; env wins', async () => {
    const booking = { id: '00000000-0000-4000-8000-000000000001', restaurantId }
    expect(selectPipeline(engine.flags, booking)).toMatchObject({ pipeline: 'legacy', shadow: false })
    await engine.flags.setRule('assignment.pipeline_v3_shadow', restaurantId, { enabled: true }, 'test')
    expect(selectPipeline(engine.flags, booking)).toMatchObject({ pipeline: 'legacy', shadow: true })
    await engine.flags.setRule('assignment.pipeline_v3', restaurantId, { enabled: true }, 'test')
    expect(selectPipeline(engine.flags, booking)).toMatchObject({ pipeline: 'v3', shadow: false })
    engine.config.flagOverrides['assignment.pipeline_v3'] = false
    expect(selectPipeline(engine.flags, booking)).toMatchObject({ pipeline: 'legacy', reason: 'ENV_OVERRIDE' })
    delete engine.config.flagOverrides['assignment.pipeline_v3']
    // a 50% restaurant rule splits that restaurant's bookings
    await engine.flags.setRule('assignment.pipeline_v3', restaurantId, { enabled: true, rolloutPercent: 50 }, 'test')
    const picks = Array.from({ length: 200 }, (_, i) =>
      selectPipeline(engine.flags, { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, restaurantId }),
    )
    const v3 = picks.filter((p) => p.pipeline === 'v3').length
    expect(v3).toBeGreaterThan(60)
    expect(v3).toBeLessThan(140)
    await engine.flags.setRule('assignment.pipeline_v3', restaurantId, { enabled: false }, 'test')
    await engine.flags.setRule('assignment.pipeline_v3_shadow', restaurantId, { enabled: false }, 'test')
  })
})

describe(`events through intake validate against the catalogue (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine()
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/bistro', smallFloor())).status).toBe(200)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('a seated and a queued booking: every event is catalogued and valid; the queued move is announced', async () => {
    const startAt = new Date(Date.now() + 86_400_000).toISOString()
    const seated = await api.request('POST', '/api/bookings', {
      restaurant: 'bistro',
      startAt,
      partySize: 4,
      zone: 'patio',
      guest: { name: 'A', email: 'a@example.com' },
    })
    expect(seated.body.autoAssign.outcome).toBe('confirmed')
    const queued = await api.request('POST', '/api/bookings', {
      restaurant: 'bistro',
      startAt,
      partySize: 4,
      zone: 'patio',
      guest: { name: 'B', email: 'b@example.com' },
    })
    expect(queued.body.autoAssign.outcome).toBe('queued')
    await engine.events.flush()
    const { rows } = await engine.database.executeSql(
      `select context from observability_events where booking_id = $1 and event_type = 'booking.assignment_state_transition'
        order by id`,
      [queued.body.booking.id],
    )
    expect(rows[0]!.context).toMatchObject({
      from: 'created',
      to: 'assignment_pending',
      pipeline: 'legacy',
      version: 1,
    })
    const stats = engine.events.stats()
    expect(stats.problems).toEqual({})
    expect(stats.invalid).toBe(0)
    expect(stats.uncatalogued).toBe(0)
  })
})
