import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { insertBooking } from '../helpers/bookings.ts'
import { bookings } from '../../server/db/schema/bookings.ts'
import { decideLegacy } from '../../server/assignment/steps/decide.ts'
import { loadSnapshot } from '../../server/assignment/steps/snapshot.ts'
import { DEFAULT_KNOBS } from '../../server/assignment/quote.ts'
import { createShadowRunner } from '../../server/assignment/shadow/shadow-runner.ts'
import { waitFor } from '../helpers/wait.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

/** A four-top merged with a two-top seats six; a lone four-top does not merge. */
const lookAheadFloor = {
  name: 'Look Ahead',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: [
    { key: 'A', zone: 'main', capacity: 4 },
    { key: 'B', zone: 'main', capacity: 2 },
    { key: 'C', zone: 'main', capacity: 4, mergeable: false },
  ],
  adjacency: [['A', 'B']],
}

describe(`shadow mode (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  let restaurantId: string
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    api = await serveApi(engine)
    const put = await api.request('PUT', '/api/restaurants/ahead', lookAheadFloor)
    restaurantId = put.body.restaurant.id
    await engine.flags.setRule(
      'assignment.pipeline_v3_shadow',
      { restaurantId: restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  const sql = async (text: string, values: unknown[] = []) => (await engine.database.executeSql(text, values)).rows
  const counts = async () =>
    (
      await sql(`select (select count(*)::int from table_allocations) as allocations,
                        (select count(*)::int from email_outbox) as outbox,
                        (select count(*)::int from assignment_state_history) as history,
                        (select count(*)::int from assignment_attempts) as attempts,
                        (select count(*)::int from bookings where status = 'confirmed') as confirmed`)
    )[0]

  it('legacy acts, V3 decides beside it: one comparison per booking, a look-ahead mismatch recorded', async () => {
    const startAt = new Date(Date.now() + 2 * 86_400_000)
    // a party of six waits for A+B; a party of two arrives for the same time
    await insertBooking(engine, restaurantId, { startAt, partySize: 6, state: 'assignment_pending', minutes: 120 })
    const answer = await api.request('POST', '/api/bookings', {
      restaurant: 'ahead',
      startAt: startAt.toISOString(),
      partySize: 2,
      guest: { name: 'Two', email: 'two@example.com' },
    })
    expect(answer.body.autoAssign.outcome).toBe('confirmed')
    expect(answer.body.booking.tables).toEqual(['B']) // legacy: optimal_fit, no waste
    await engine.v3.shadow.drain()
    const rows = await sql(`select * from shadow_comparisons where booking_id = $1`, [answer.body.booking.id])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ match: false, mismatch_kind: 'different_tables' })
    expect((rows[0]!.v3_plan as { tableKeys: string[] }).tableKeys).toEqual(['C']) // V3 keeps A+B for the six
    expect((rows[0]!.legacy_plan as { tableKeys: string[] }).tableKeys).toEqual(['B'])
    expect(rows[0]!.v3_duration_ms).toBeGreaterThan(0)

    await engine.events.flush()
    const [compared] = await sql(
      `select context from observability_events where event_type = 'shadow.compared' and booking_id = $1`,
      [answer.body.booking.id],
    )
    expect(compared!.context).toMatchObject({ match: false, mismatch_kind: 'different_tables', shadow: true })
    const quotes = await sql(
      `select context->>'pipeline' as pipeline, (context->>'shadow')::boolean as shadow, count(*)::int as n
         from observability_events where event_type = 'auto_assign.quote' and booking_id = $1 group by 1, 2 order by 1`,
      [answer.body.booking.id],
    )
    expect(quotes).toEqual([
      { pipeline: 'legacy', shadow: false, n: 1 },
      { pipeline: 'v3', shadow: true, n: 4 },
    ])
    const v3Attempts = await sql(`select count(*)::int as n from assignment_attempts where pipeline = 'v3'`)
    expect(v3Attempts[0]!.n).toBe(0)
    expect(engine.events.stats().problems).toEqual({})
  })

  it('the shadow run writes nothing but its comparison (allocations, outbox, history, attempts unchanged)', async () => {
    const booking = await insertBooking(engine, restaurantId, {
      startAt: new Date(Date.now() + 3 * 86_400_000),
      state: 'assignment_pending',
    })
    const snapshot = await loadSnapshot(engine.assignment, booking)
    const legacy = await decideLegacy(engine.assignment, booking, snapshot, {
      pipeline: 'legacy',
      shadow: false,
      trigger: 'job',
      attemptNumber: 1,
      knobs: DEFAULT_KNOBS,
    })
    const before = await counts()
    engine.v3.shadow.schedule({
      booking,
      legacy,
      legacyOutcome: { outcome: 'queued', reason: null, tables: [] },
      legacyDurationMs: 1,
    })
    await engine.v3.shadow.drain()
    expect(await counts()).toEqual(before)
    const [row] = await engine.db.select().from(bookings).where(eq(bookings.id, booking.id))
    expect(row).toMatchObject({
      assignmentState: 'assignment_pending',
      assignmentStateVersion: 0,
      status: 'pending_allocation',
    })
    expect((await sql(`select match from shadow_comparisons where booking_id = $1`, [booking.id]))[0]).toEqual({
      match: true,
    })

    // a second run for the same booking keeps the first comparison
    engine.v3.shadow.schedule({
      booking,
      legacy,
      legacyOutcome: { outcome: 'queued', reason: null, tables: [] },
      legacyDurationMs: 1,
    })
    await engine.v3.shadow.drain()
    expect(
      (await sql(`select count(*)::int as n from shadow_comparisons where booking_id = $1`, [booking.id]))[0]!.n,
    ).toBe(1)
  })

  it('a shadow crash is recorded as kind error and never touches the booking', async () => {
    const booking = await insertBooking(engine, restaurantId, {
      startAt: new Date(Date.now() + 4 * 86_400_000),
      state: 'assignment_pending',
    })
    const snapshot = await loadSnapshot(engine.assignment, booking)
    const legacy = await decideLegacy(engine.assignment, booking, snapshot, {
      pipeline: 'legacy',
      shadow: false,
      trigger: 'job',
      attemptNumber: 1,
      knobs: DEFAULT_KNOBS,
    })
    const before = await counts()
    // a snapshot V3 cannot read: its decide throws
    const broken = { ...legacy, snapshot: { ...legacy.snapshot, floor: undefined as never } }
    engine.v3.shadow.schedule({
      booking,
      legacy: broken,
      legacyOutcome: { outcome: 'queued', reason: null, tables: [] },
      legacyDurationMs: 1,
    })
    await engine.v3.shadow.drain()
    expect(await counts()).toEqual(before)
    const [row] = await sql(`select match, mismatch_kind, v3_outcome from shadow_comparisons where booking_id = $1`, [
      booking.id,
    ])
    expect(row).toMatchObject({ match: false, mismatch_kind: 'error', v3_outcome: { outcome: 'error' } })
  })

  it('GET /api/shadow: the summary and the comparisons with both plans; bad input is a 4xx', async () => {
    const answer = await api.request('GET', '/api/shadow?restaurant=ahead')
    expect(answer.status).toBe(200)
    const { summary, comparisons } = answer.body
    expect(summary.total).toBe(3)
    expect(summary.byKind).toMatchObject({ different_tables: 1, error: 1, different_zone: 0 })
    expect(summary.matched).toBe(1)
    expect(summary.matchRate).toBeCloseTo(1 / 3)
    expect(comparisons).toHaveLength(3)
    const lookAhead = comparisons.find((c: { mismatchKind: string }) => c.mismatchKind === 'different_tables')
    expect(lookAhead).toMatchObject({
      match: false,
      legacy: { outcome: 'confirmed', tables: ['B'] },
      v3: { outcome: 'seated', tables: ['C'] },
    })
    expect(lookAhead.legacy.durationMs).toBeGreaterThan(0)
    expect(Date.parse(lookAhead.at)).not.toBeNaN()

    const mismatches = await api.request('GET', '/api/shadow?match=false&limit=1')
    expect(mismatches.body.comparisons).toHaveLength(1)
    expect(mismatches.body.comparisons[0].match).toBe(false)
    expect((await api.request('GET', '/api/shadow?match=maybe')).status).toBe(400)
    expect((await api.request('GET', '/api/shadow?since=yesterday')).status).toBe(400)
    expect((await api.request('GET', '/api/shadow?limit=0')).status).toBe(400)
    expect((await api.request('GET', '/api/shadow?restaurant=nowhere')).status).toBe(404)
    expect((await api.request('GET', '/api/shadow?restaurant=%00')).status).toBe(400)
  })

  it('with V3 on for the restaurant there is no shadow run: V3 acts alone', async () => {
    await engine.flags.setRule(
      'assignment.pipeline_v3',
      { restaurantId: restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
    try {
      const answer = await api.request('POST', '/api/bookings', {
        restaurant: 'ahead',
        startAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
        partySize: 2,
        guest: { name: 'V3', email: 'v3@example.com' },
      })
      expect(answer.body.autoAssign.outcome).toBe('confirmed')
      await engine.v3.shadow.drain()
      expect(
        (
          await sql(`select count(*)::int as n from shadow_comparisons where booking_id = $1`, [answer.body.booking.id])
        )[0]!.n,
      ).toBe(0)
      const attempts = await sql(`select pipeline, trigger from assignment_attempts where booking_id = $1`, [
        answer.body.booking.id,
      ])
      expect(attempts).toEqual([{ pipeline: 'v3', trigger: 'inline' }])
    } finally {
      await engine.flags.setRule(
        'assignment.pipeline_v3',
        { restaurantId: restaurantId },
        { enabled: false },
        { actor: 'test', comment: 'test setup' },
      )
    }
  })

  it('waits while intake is busy, runs once it is idle (or after its longest deferral)', async () => {
    let busy = true
    const runner = createShadowRunner(engine.assignment, { busy: () => busy, maxDeferMs: 60_000 })
    const booking = await insertBooking(engine, restaurantId, {
      startAt: new Date(Date.now() + 5 * 86_400_000),
      state: 'assignment_pending',
    })
    const snapshot = await loadSnapshot(engine.assignment, booking)
    const legacy = await decideLegacy(engine.assignment, booking, snapshot, {
      pipeline: 'legacy',
      shadow: false,
      trigger: 'job',
      attemptNumber: 1,
      knobs: DEFAULT_KNOBS,
    })
    const request = {
      booking,
      legacy,
      legacyOutcome: { outcome: 'queued', reason: null, tables: [] },
      legacyDurationMs: 1,
    }
    const compared = async () =>
      (await sql(`select count(*)::int as n from shadow_comparisons where booking_id = $1`, [booking.id]))[0]!.n
    runner.schedule(request)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(runner.stats()).toMatchObject({ pending: 1, compared: 0 })
    expect(await compared()).toBe(0)
    busy = false
    await waitFor(async () => runner.stats().compared === 1 || undefined, 10_000, 'the shadow run')
    expect(await compared()).toBe(1)

    // steady traffic: a request that waited its longest deferral runs anyway
    busy = true
    const patient = createShadowRunner(engine.assignment, { busy: () => busy, maxDeferMs: 50 })
    patient.schedule(request)
    await waitFor(async () => patient.stats().compared === 1 || undefined, 10_000, 'the overdue shadow run')
  })
})
