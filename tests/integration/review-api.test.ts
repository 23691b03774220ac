import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { bookIntoReview, eveningStart, reviewFloor } from '../helpers/review-floor.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

async function sql<T = Record<string, unknown>>(engine: TestEngine, text: string, values: unknown[] = []) {
  return (await engine.database.executeSql(text, values)).rows as T[]
}

describe(`manual review API (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' })
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/review-bistro', reviewFloor())).status).toBe(200)
  })
  afterAll(async () => {
    await api?.close()
    await engine?.dispose()
  })

  it('lists the queue earliest first, with the reason in words and the version to echo', async () => {
    const later = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(3),
      partySize: 4,
      zone: 'main',
      guest: 'Later',
    })
    const sooner = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(2),
      partySize: 4,
      zone: 'main',
      guest: 'Sooner',
    })
    const { status, body } = await api.request('GET', '/api/review?restaurant=review-bistro')
    expect(status).toBe(200)
    const ids = body.bookings.map((b: { id: string }) => b.id)
    expect(ids.indexOf(sooner)).toBeLessThan(ids.indexOf(later))
    const item = body.bookings.find((b: { id: string }) => b.id === sooner)
    expect(item).toMatchObject({
      status: 'pending_allocation',
      assignmentState: 'manual_review',
      reviewReason: 'ADJACENCY_UNSATISFIED',
      reviewReasonText: expect.stringMatching(/next to each other/),
      restaurant: 'review-bistro',
      partySize: 4,
    })
    expect(typeof item.version).toBe('number')
    expect(Date.parse(item.waitingSince)).not.toBeNaN()
    expect((await api.request('GET', '/api/review?restaurant=nowhere')).body.bookings).toEqual([])
  })

  it('details a booking: suggestions labelled with what they relax, every table with why it cannot take it', async () => {
    const id = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(4),
      partySize: 4,
      zone: 'main',
    })
    const { status, body } = await api.request('GET', `/api/review/${id}`)
    expect(status).toBe(200)
    expect(body.booking.id).toBe(id)
    const byRelaxed = Object.fromEntries(body.suggestions.map((s: { relaxed: string[] }) => [s.relaxed.join(','), s]))
    expect(byRelaxed.adjacency).toMatchObject({ tables: ['T1', 'T2'], zone: 'main', capacity: 4 })
    expect(byRelaxed.zone).toMatchObject({ tables: ['P1'], zone: 'patio', capacity: 4 })
    // nothing fits as booked, so no suggestion is unrelaxed
    expect(byRelaxed['']).toBeUndefined()
    const tables = Object.fromEntries(body.tables.map((t: { key: string }) => [t.key, t]))
    expect(tables.T1).toMatchObject({
      free: true,
      state: 'free',
      why: expect.stringMatching(/No free table next to it to join/),
    })
    expect(tables.P1).toMatchObject({ free: true, why: expect.stringMatching(/In Patio, not the area asked for/) })
    // the suggestions were stored with the versions they were computed on
    const stored = await sql(engine, 'select availability_version from review_suggestions where booking_id = $1', [id])
    expect(stored).toHaveLength(1)
    expect((await api.request('GET', '/api/review/not-a-uuid')).status).toBe(404)
    expect((await api.request('GET', `/api/review/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it('two seats of one booking at once: one 200, one 409 VERSION_CONFLICT saying who, one email', async () => {
    const id = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(5),
      partySize: 4,
      zone: 'main',
    })
    const { body: detail } = await api.request('GET', `/api/review/${id}`)
    const version = detail.booking.version
    const [a, b] = await Promise.all([
      api.request('POST', `/api/review/${id}/seat`, { tables: ['T1', 'T2'], expectedVersion: version }),
      api.request('POST', `/api/review/${id}/seat`, { tables: ['P1'], expectedVersion: version }),
    ])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual([200, 409])
    const winner = a.status === 200 ? a : b
    const loser = a.status === 200 ? b : a
    expect(winner.body.booking).toMatchObject({ status: 'confirmed', assignmentState: 'confirmed' })
    expect(loser.body.error.code).toBe('VERSION_CONFLICT')
    expect(loser.body.error.message).toMatch(/API seated it at (T1 \+ T2|P1)/i)

    const emails = await sql(engine, `select kind from email_outbox where booking_id = $1`, [id])
    expect(emails).toEqual([{ kind: 'confirmation' }])
    const live = await sql<{ n: number }>(
      engine,
      `select count(*)::int as n from table_allocations where booking_id = $1 and released_at is null and kind = 'assignment'`,
      [id],
    )
    expect(live[0]!.n).toBe(winner.body.booking.tables.length)
    const audit = await sql(engine, `select action, actor from audit_log where entity_id = $1`, [id])
    expect(audit).toEqual([{ action: 'review.seated', actor: 'api' }])
    const history = await sql(
      engine,
      `select from_state, to_state, actor from assignment_state_history where booking_id = $1 order by version desc limit 1`,
      [id],
    )
    expect(history).toEqual([{ from_state: 'manual_review', to_state: 'confirmed', actor: 'api' }])
    await engine.events.flush()
    const events = await sql(
      engine,
      `select event_type from observability_events where booking_id = $1 and occurred_at > now() - interval '1 minute' order by event_type`,
      [id],
    )
    expect(events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['review.seated', 'booking.confirmed', 'booking.assignment_state_transition']),
    )
    // every event fits its catalogue schema
    expect(engine.events.stats().problems ?? {}).toEqual({})
    // it left the queue
    const queue = await api.request('GET', '/api/review')
    expect(queue.body.bookings.map((b: { id: string }) => b.id)).not.toContain(id)
  })

  it('a seat on tables another booking just took answers 409 TABLES_TAKEN and writes nothing', async () => {
    const start = eveningStart(6)
    const first = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: start,
      partySize: 4,
      zone: 'main',
    })
    const second = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: start,
      partySize: 4,
      zone: 'main',
    })
    const v1 = (await api.request('GET', `/api/review/${first}`)).body.booking.version
    const v2 = (await api.request('GET', `/api/review/${second}`)).body.booking.version
    expect(
      (await api.request('POST', `/api/review/${first}/seat`, { tables: ['T1', 'T2'], expectedVersion: v1 })).status,
    ).toBe(200)
    const before = await sql(
      engine,
      'select assignment_state_version, status, updated_at from bookings where id = $1',
      [second],
    )
    const taken = await api.request('POST', `/api/review/${second}/seat`, { tables: ['T2', 'T1'], expectedVersion: v2 })
    expect(taken.status).toBe(409)
    expect(taken.body.error).toMatchObject({
      code: 'TABLES_TAKEN',
      message: expect.stringMatching(/T1 \+ T2 were just taken/),
    })
    expect(
      await sql(engine, 'select assignment_state_version, status, updated_at from bookings where id = $1', [second]),
    ).toEqual(before)
    expect(await sql(engine, 'select id from table_allocations where booking_id = $1', [second])).toEqual([])
    expect(await sql(engine, 'select id from email_outbox where booking_id = $1', [second])).toEqual([])
    expect(await sql(engine, 'select id from audit_log where entity_id = $1', [second])).toEqual([])
    // the floor now says so, and the suggestions no longer offer the taken tables
    const detail = (await api.request('GET', `/api/review/${second}`)).body
    const t1 = detail.tables.find((t: { key: string }) => t.key === 'T1')
    expect(t1).toMatchObject({ free: false, state: 'busy', why: expect.stringMatching(/^Busy until 20:30/) })
    expect(detail.suggestions.map((s: { tables: string[] }) => s.tables.join('+'))).not.toContain('T1+T2')
    expect(
      (await api.request('POST', `/api/review/${second}/seat`, { tables: ['P1'], expectedVersion: v2 })).status,
    ).toBe(200)
  })

  it('rejects bad input with 4xx and a message, never writing', async () => {
    const id = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(7),
      partySize: 4,
      zone: 'main',
    })
    const version = (await api.request('GET', `/api/review/${id}`)).body.booking.version
    const cases: Array<[unknown, number, string]> = [
      [{ tables: [], expectedVersion: version }, 400, 'VALIDATION_FAILED'],
      [{ tables: ['T1'], expectedVersion: version }, 400, 'TABLES_TOO_SMALL'],
      [{ tables: ['ZZ'], expectedVersion: version }, 400, 'UNKNOWN_TABLES'],
      // NUL is refused once at the edge of the API, for every body (server/http/input-guard.ts)
      [{ tables: ['T1\u0000'], expectedVersion: version }, 400, 'INVALID_CHARACTER'],
      [{ tables: ['P1'] }, 400, 'VALIDATION_FAILED'],
      [{ tables: ['P1'], expectedVersion: version + 1 }, 409, 'VERSION_CONFLICT'],
      [{ tables: ['P1'], expectedVersion: version, startAt: 'tomorrow' }, 400, 'VALIDATION_FAILED'],
      [{ tables: ['P1'], expectedVersion: version, startAt: '2001-01-01T19:00:00Z' }, 400, 'VALIDATION_FAILED'],
    ]
    for (const [body, status, code] of cases) {
      const answer = await api.request('POST', `/api/review/${id}/seat`, body)
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([status, code])
    }
    expect((await api.request('POST', `/api/review/${id}/cancel`, { reason: '' })).status).toBe(400)
    expect(await sql(engine, 'select id from table_allocations where booking_id = $1', [id])).toEqual([])
    expect(await sql(engine, 'select id from audit_log where entity_id = $1', [id])).toEqual([])
  })

  it('moves a booking to another start and seats it there', async () => {
    const start = eveningStart(8)
    const id = await bookIntoReview(engine, { restaurant: 'review-bistro', startAt: start, partySize: 4, zone: 'main' })
    const version = (await api.request('GET', `/api/review/${id}`)).body.booking.version
    const later = new Date(Date.parse(start) + 30 * 60_000).toISOString()
    const moved = await api.request('POST', `/api/review/${id}/seat`, {
      tables: ['P1'],
      expectedVersion: version,
      startAt: later,
    })
    expect(moved.status).toBe(200)
    expect(moved.body.booking).toMatchObject({ status: 'confirmed', startAt: later, tables: ['P1'] })
    // the block keeps its length (90 minutes for a party of 4 on this floor)
    expect(Date.parse(moved.body.booking.endAt) - Date.parse(later)).toBe(90 * 60_000)
    const audit = await sql(engine, `select action, details from audit_log where entity_id = $1`, [id])
    expect(audit).toEqual([
      { action: 'review.moved', details: expect.objectContaining({ fromStart: start, toStart: later }) },
    ])
  })

  it('retries: 202; still unseatable goes back to review with its reason, seatable gets confirmed once', async () => {
    const start = eveningStart(9)
    const id = await bookIntoReview(engine, { restaurant: 'review-bistro', startAt: start, partySize: 4, zone: 'main' })
    const version = (await api.request('GET', `/api/review/${id}`)).body.booking.version
    const again = await api.request('POST', `/api/review/${id}/retry`, { expectedVersion: version })
    expect(again.status).toBe(202)
    expect(again.body).toMatchObject({ outcome: 'manual_review', reason: 'ADJACENCY_UNSATISFIED' })
    expect(again.body.booking.assignmentState).toBe('manual_review')
    const states = await sql(
      engine,
      `select from_state, to_state from assignment_state_history where booking_id = $1 order by version`,
      [id],
    )
    expect(states.slice(-2)).toEqual([
      { from_state: 'manual_review', to_state: 'assignment_pending' },
      { from_state: 'assignment_pending', to_state: 'manual_review' },
    ])
  })

  it('retries a booking whose table came free: the engine seats it, one confirmation', async () => {
    const start = eveningStart(9)
    const first = await engine.bookings.create({
      restaurant: 'review-bistro',
      startAt: start,
      partySize: 4,
      zone: 'patio',
      guest: { name: 'First', email: 'first@example.com' },
    })
    expect(first.autoAssign.outcome).toBe('confirmed')
    // P1 is taken: NO_AVAILABILITY, a few spaced attempts, then review
    const id = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: start,
      partySize: 4,
      zone: 'patio',
    })
    expect((await api.request('POST', `/api/bookings/${first.booking.id}/cancel`)).status).toBe(200)
    const seated = await api.request('POST', `/api/review/${id}/retry`)
    expect(seated.status).toBe(202)
    expect(seated.body).toMatchObject({ outcome: 'confirmed', reason: null })
    expect(seated.body.booking).toMatchObject({ status: 'confirmed', tables: ['P1'] })
    expect(await sql(engine, 'select kind from email_outbox where booking_id = $1', [id])).toEqual([
      { kind: 'confirmation' },
    ])
    expect(await sql(engine, `select action from audit_log where entity_id = $1`, [id])).toEqual([
      { action: 'review.retried' },
    ])
    // nothing left to retry
    expect((await api.request('POST', `/api/review/${id}/retry`)).status).toBe(409)
  })

  it('cancels with a reason: audited, evented, tables free, out of the queue', async () => {
    const id = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(10),
      partySize: 4,
      zone: 'main',
    })
    const version = (await api.request('GET', `/api/review/${id}`)).body.booking.version
    const answer = await api.request('POST', `/api/review/${id}/cancel`, {
      reason: 'Guest called: no longer coming',
      expectedVersion: version,
    })
    expect(answer.status).toBe(200)
    expect(answer.body.booking).toMatchObject({ status: 'cancelled', assignmentState: 'cancelled' })
    expect(
      await sql(engine, `select action, details->>'reason' as reason from audit_log where entity_id = $1`, [id]),
    ).toEqual([{ action: 'review.cancelled', reason: 'Guest called: no longer coming' }])
    const second = await api.request('POST', `/api/review/${id}/cancel`, { reason: 'again', expectedVersion: version })
    expect(second.status).toBe(409)
    expect(second.body.error.message).toMatch(/API cancelled it \(Guest called: no longer coming\)/)
    await engine.events.flush()
    const events = await sql(
      engine,
      `select event_type from observability_events where booking_id = $1 and event_type like 'review.%'`,
      [id],
    )
    expect(events).toEqual([{ event_type: 'review.cancelled' }])
  })

  it('notes, and refreshes stale suggestions on schedule', async () => {
    const start = eveningStart(11)
    const id = await bookIntoReview(engine, { restaurant: 'review-bistro', startAt: start, partySize: 4, zone: 'main' })
    const note = await engine.review.note({
      bookingId: id,
      body: 'Guest prefers the window',
      actor: { userId: null, name: 'Sam Staff', id: 'user:sam@example.com' },
    })
    expect(note.body).toBe('Guest prefers the window')
    expect(
      (await engine.review.detail(id))!.timeline.some((entry) => entry.kind === 'note' && entry.actor === 'Sam Staff'),
    ).toBe(true)

    // the refresh task fills suggestions for a booking that has none, and recomputes them when
    // availability moves on
    await sql(engine, 'delete from review_suggestions where booking_id = $1', [id])
    expect(await engine.scheduler.runNow('review.suggestions')).toBe(true)
    const [first] = await sql<{ availability_version: number }>(
      engine,
      'select availability_version from review_suggestions where booking_id = $1',
      [id],
    )
    expect(first).toBeDefined()
    const other = await engine.bookings.create({
      restaurant: 'review-bistro',
      startAt: start,
      partySize: 4,
      zone: 'patio',
      guest: { name: 'P', email: 'p@example.com' },
    })
    expect(other.autoAssign.outcome).toBe('confirmed')
    expect(await engine.scheduler.runNow('review.suggestions')).toBe(true)
    const [second] = await sql<{ availability_version: number; suggestions: Array<{ tables: string[] }> }>(
      engine,
      'select availability_version, suggestions from review_suggestions where booking_id = $1',
      [id],
    )
    expect(Number(second!.availability_version)).toBeGreaterThan(Number(first!.availability_version))
    expect(second!.suggestions.map((s) => s.tables.join('+'))).not.toContain('P1')
  })
})

describe(`manual review expiry (${driver})`, () => {
  let engine: TestEngine
  let clock = Date.now()
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' }, { now: () => new Date(clock) })
    await engine.restaurants.putFloor('review-bistro', reviewFloor())
  })
  afterAll(async () => {
    await engine?.dispose()
  })

  it('moves a booking whose time passed out of the queue, as failed with its reason', async () => {
    const start = eveningStart(1)
    const id = await bookIntoReview(engine, { restaurant: 'review-bistro', startAt: start, partySize: 4, zone: 'main' })
    expect((await engine.review.queue()).map((b) => b.id)).toEqual([id])
    expect(await engine.scheduler.runNow('review.expiry')).toBe(true)
    expect((await engine.review.queue()).map((b) => b.id)).toEqual([id]) // not yet due

    clock = Date.parse(start) + 60_000
    expect((await engine.review.queue()).map((b) => b.id)).toEqual([]) // past: nobody's work any more
    expect(await engine.review.count()).toBe(0)
    expect(await engine.scheduler.runNow('review.expiry')).toBe(true)
    expect(
      await sql(engine, 'select assignment_state, status, manual_review_reason from bookings where id = $1', [id]),
    ).toEqual([
      { assignment_state: 'failed', status: 'pending_allocation', manual_review_reason: 'ADJACENCY_UNSATISFIED' },
    ])
    const [last] = await sql(
      engine,
      `select from_state, reason, actor from assignment_state_history where booking_id = $1 order by version desc limit 1`,
      [id],
    )
    expect(last).toEqual({
      from_state: 'manual_review',
      reason: 'EXPIRED:ADJACENCY_UNSATISFIED',
      actor: 'review:expiry',
    })
    const retried = engine.review.retry({ bookingId: id, actor: { userId: null, name: 'API', id: 'api' } })
    await expect(retried).rejects.toMatchObject({ code: 'BOOKING_PASSED', status: 409 })
    await engine.events.flush()
    expect(
      await sql(
        engine,
        `select context->>'reason' as reason from observability_events where event_type = 'review.expired'`,
      ),
    ).toEqual([{ reason: 'ADJACENCY_UNSATISFIED' }])
    // the review SLA is a catalogue metric: it finds the wait on the event that ended it
    const wait = await engine.analytics.read('review_wait_p95', {
      from: new Date(Date.now() - 3_600_000),
      to: new Date(clock + 3_600_000),
    })
    expect(wait.sampleSize).toBe(1)
    // it entered review about a day before its start and expired a minute after it (percentiles
    // come from the catalogue's sketch, within 1% of the exact value: docs/metrics.md)
    expect(Number(wait.value)).toBeGreaterThan((clock - Date.now() - 60_000) * 0.99)
  })
})
