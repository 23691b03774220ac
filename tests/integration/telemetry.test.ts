import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'
import { waitFor } from '../helpers/wait.ts'

describe('telemetry', () => {
  let engine: TestEngine
  let api: TestApi
  const bookingIds: string[] = []
  beforeAll(async () => {
    engine = await createTestEngine({ DEBUG_CAPACITY_PROFILING: '1' })
    api = await serveApi(engine)
    await api.request('PUT', '/api/restaurants/tele', smallFloor())
    const slot = new Date(Date.now() + 86_400_000).toISOString()
    // a mix: seated inline, merged, too large (hard), and more than the floor holds (capacity)
    for (const partySize of [2, 2, 4, 6, 12, 4, 4, 2, 2, 2]) {
      const response = await api.request('POST', '/api/bookings', {
        restaurant: 'tele',
        startAt: slot,
        partySize,
        guest: { name: 'T', email: 't@example.com' },
      })
      expect(response.status).toBe(201)
      bookingIds.push(response.body.booking.id)
    }
    // policy v1 retries everything: wait until every queued booking has settled
    await waitFor(async () => {
      const open = await engine.database.executeSql(
        `select count(*)::int as n from bookings where assignment_state not in ('confirmed', 'manual_review')`,
      )
      return open.rows[0]!.n === 0 ? true : undefined
    }, 60_000)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await engine.events.flush()
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('records one auto_assign.quote per planner call, with the documented fields', async () => {
    const attempts = await engine.database.executeSql(`select count(*)::int as n from assignment_attempts`)
    const quotes = await engine.database.executeSql(
      `select context from observability_events where event_type = 'auto_assign.quote'`,
    )
    expect(quotes.rows.length).toBe(attempts.rows[0]!.n)
    for (const { context } of quotes.rows as Array<{ context: Record<string, unknown> }>) {
      expect(context).toMatchObject({
        planner_duration_ms: expect.any(Number),
        success: expect.any(Boolean),
        require_adjacency: true,
        max_tables: expect.any(Number),
        trigger: expect.stringMatching(/^(inline|job)$/),
        attempt_index: expect.any(Number),
        cache_hit: expect.any(Boolean),
      })
      if (context.success) expect(context.reason).toBeNull()
      else expect(['hard', 'capacity', 'transient']).toContain(context.reason_category)
      // planner.profiling is on: the planner's own counts ride along
      expect((context.stats as { candidatesEvaluated: number }).candidatesEvaluated).toEqual(expect.any(Number))
    }
    const jobQuotes = (quotes.rows as Array<{ context: { trigger: string; cache_hit: boolean } }>).filter(
      (r) => r.context.trigger === 'job',
    )
    expect(jobQuotes.length).toBeGreaterThan(0)
    expect(jobQuotes.some((r) => r.context.cache_hit)).toBe(true)
  })

  it('records exactly one auto_assign.summary per booking the jobs worked on, on every exit path', async () => {
    // every booking has a job chain; the chain of a booking seated inline ends silently
    const queued = await engine.database.executeSql(
      `select id from bookings where not (auto_assign_last_result->>'source' = 'inline' and status = 'confirmed' and confirmed_at is not null
          and not exists (select 1 from assignment_attempts a where a.booking_id = bookings.id and a.trigger = 'job'))`,
    )
    const summaries = await engine.database.executeSql(
      `select booking_id, context from observability_events where event_type = 'auto_assign.summary'`,
    )
    expect(queued.rows.length).toBeGreaterThan(0)
    expect(new Set(summaries.rows.map((row) => row.booking_id))).toEqual(new Set(queued.rows.map((row) => row.id)))
    const perBooking = new Map<string, number>()
    for (const row of summaries.rows as Array<{ booking_id: string }>)
      perBooking.set(row.booking_id, (perBooking.get(row.booking_id) ?? 0) + 1)
    expect([...perBooking.values()].every((n) => n === 1)).toBe(true)
    for (const { context } of summaries.rows as Array<{ context: Record<string, unknown> }>) {
      expect([
        'succeeded',
        'cutoff',
        'already_confirmed',
        'exhausted',
        'manual_review',
        'error',
        'cancelled',
      ]).toContain(context.result)
      expect(context).toMatchObject({
        attempts_used: expect.any(Number),
        max_attempts: 3,
        total_duration_ms: expect.any(Number),
      })
      expect(context.inline).toMatchObject({ success: false, reason: expect.any(String) })
    }
  })

  it('records inline_auto_assign.finished for every intake', async () => {
    const finished = await engine.database.executeSql(
      `select count(distinct booking_id)::int as n from observability_events where event_type = 'inline_auto_assign.finished'`,
    )
    expect(finished.rows[0]!.n).toBe(bookingIds.length)
  })

  it('serves GET /api/events newest first with filters', async () => {
    const all = await api.request('GET', '/api/events?limit=500')
    const times = all.body.events.map((e: { occurredAt: string }) => Date.parse(e.occurredAt))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    const one = await api.request('GET', `/api/events?booking=${bookingIds[4]}&type=auto_assign.quote`)
    expect(one.body.events.length).toBeGreaterThan(0)
    expect(
      one.body.events.every(
        (e: { bookingId: string; type: string; restaurant: string }) =>
          e.bookingId === bookingIds[4] && e.type === 'auto_assign.quote' && e.restaurant === 'tele',
      ),
    ).toBe(true)
    expect((await api.request('GET', '/api/events?limit=2')).body.events).toHaveLength(2)
    const future = new Date(Date.now() + 3600_000).toISOString()
    expect((await api.request('GET', `/api/events?since=${encodeURIComponent(future)}`)).body.events).toHaveLength(0)
    expect((await api.request('GET', '/api/events?limit=0')).status).toBe(400)
    expect((await api.request('GET', '/api/events?restaurant=nowhere')).status).toBe(404)
  })

  it('exposes histograms and outcome counters at /metrics', async () => {
    const response = await fetch(`${api.url}/metrics`)
    const text = await response.text()
    expect(response.headers.get('content-type')).toContain('text/plain')
    expect(text).toMatch(/maitre_planner_duration_seconds_bucket\{.*trigger="inline"/)
    expect(text).toMatch(/maitre_inline_auto_assign_duration_seconds_count\{outcome="confirmed"\} \d+/)
    expect(text).toMatch(/maitre_auto_assign_job_attempts_bucket/)
    expect(text).toMatch(
      /maitre_assignment_attempts_total\{trigger="inline",outcome="failed",reason="PARTY_TOO_LARGE"\} 1/,
    )
  })

  it('a failing event write never fails a booking', async () => {
    await engine.database.executeSql('alter table observability_events rename to observability_events_away')
    try {
      const before = engine.events.stats().failedWrites
      const response = await api.request('POST', '/api/bookings', {
        restaurant: 'tele',
        startAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
        partySize: 2,
        guest: { name: 'T', email: 't@example.com' },
      })
      expect(response.status).toBe(201)
      expect(response.body.autoAssign.outcome).toBe('confirmed')
      await engine.events.flush()
      expect(engine.events.stats().failedWrites).toBeGreaterThan(before)
    } finally {
      await engine.database.executeSql('alter table observability_events_away rename to observability_events')
    }
  })
})
