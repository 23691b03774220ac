import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, eq, sql } from 'drizzle-orm'
import { bookings } from '../../server/db/schema/bookings.ts'
import { tableAllocations } from '../../server/db/schema/allocations.ts'
import { emailOutbox } from '../../server/db/schema/outbox.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'
import { waitFor } from '../helpers/wait.ts'

const tomorrowAt = (hoursFromNow: number) => new Date(Date.now() + hoursFromNow * 3600_000).toISOString()
const guest = { name: 'Ada Lovelace', email: 'ada@example.com' }

describe('bookings API', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' })
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/bistro', smallFloor())).status).toBe(200)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  const book = (body: Record<string, unknown>) =>
    api.request('POST', '/api/bookings', {
      restaurant: 'bistro',
      startAt: tomorrowAt(24),
      partySize: 2,
      guest,
      ...body,
    })

  it('seats a booking inline and queues exactly one confirmation', async () => {
    const response = await book({ startAt: tomorrowAt(30), partySize: 4, zone: 'patio' })
    expect(response.status).toBe(201)
    expect(response.body.autoAssign.outcome).toBe('confirmed')
    expect(response.body.autoAssign.durationMs).toBeGreaterThan(0)
    const booking = response.body.booking
    expect(booking).toMatchObject({
      restaurant: 'bistro',
      status: 'confirmed',
      assignmentState: 'confirmed',
      partySize: 4,
      tables: ['P1'],
      attempts: 1,
      emails: [{ kind: 'confirmation', status: expect.any(String) }],
    })
    expect(booking.reference).toMatch(/^MT-[A-Z0-9]{8}$/)
    // 105 minutes for a party of 4 plus the 15-minute buffer
    expect(new Date(booking.endAt).getTime() - new Date(booking.startAt).getTime()).toBe(120 * 60_000)
    const [stored] = await engine.db.select().from(bookings).where(eq(bookings.id, booking.id))
    expect(stored!.autoAssignLastResult).toMatchObject({
      source: 'inline',
      success: true,
      reason: null,
      strategy: { requireAdjacency: true, maxTables: 3 },
      trigger: 'inline',
      emailQueued: true,
    })
    expect(stored!.autoAssignLastResult!.attemptId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('merges adjacent tables for a party no single table fits', async () => {
    // 6 fits T1+T2+T3 exactly (overage 0 beats the two four-tops' overage 2)
    const six = await book({ startAt: tomorrowAt(40), partySize: 6 })
    expect(six.body.autoAssign.outcome).toBe('confirmed')
    expect(six.body.booking.tables).toEqual(['T1', 'T2', 'T3'])
    const seven = await book({ startAt: tomorrowAt(40), partySize: 7 })
    expect(seven.body.booking.tables).toEqual(['F1', 'F2'])
  })

  it('answers an idempotent replay with 200 and the same booking, writing nothing new', async () => {
    const body = { startAt: tomorrowAt(50), idempotencyKey: 'replay-1' }
    const first = await book(body)
    expect(first.status).toBe(201)
    const [before] = await engine.db.select({ n: count() }).from(bookings)
    const again = await book(body)
    expect(again.status).toBe(200)
    expect(again.body.booking.id).toBe(first.body.booking.id)
    expect(again.body.autoAssign.outcome).toBe('confirmed')
    const [after] = await engine.db.select({ n: count() }).from(bookings)
    expect(after!.n).toBe(before!.n)
    const reused = await book({ ...body, partySize: 3 })
    expect(reused.status).toBe(409)
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
  })

  it('creates one booking for concurrent requests with the same idempotency key', async () => {
    const body = { startAt: tomorrowAt(60), idempotencyKey: 'race-1' }
    const answers = await Promise.all(Array.from({ length: 8 }, () => book(body)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201])
    expect(new Set(answers.map((a) => a.body.booking.id)).size).toBe(1)
    const rows = await engine.db.select().from(bookings).where(eq(bookings.idempotencyKey, 'race-1'))
    expect(rows).toHaveLength(1)
  })

  it.each([
    ['partySize 0', { partySize: 0 }, 'partySize'],
    ['partySize 101', { partySize: 101 }, 'partySize'],
    ['a fractional partySize', { partySize: 2.5 }, 'partySize'],
    ['a startAt in the past', { startAt: new Date(Date.now() - 60_000).toISOString() }, 'startAt'],
    ['a startAt without offset', { startAt: '2031-06-01T19:00:00' }, 'startAt'],
    ['durationMinutes 10', { durationMinutes: 10 }, 'durationMinutes'],
    ['durationMinutes 481', { durationMinutes: 481 }, 'durationMinutes'],
    ['an unknown zone', { zone: 'rooftop' }, 'zone'],
    ['a bad guest email', { guest: { name: 'x', email: 'not-an-email' } }, 'guest'],
  ])('answers 400 with issues for %s and writes nothing', async (_label, overrides, field) => {
    const [before] = await engine.db.select({ n: count() }).from(bookings)
    const response = await book(overrides)
    expect(response.status).toBe(400)
    expect(response.body.error.issues.some((issue: { path: string[] }) => issue.path[0] === field)).toBe(true)
    const [after] = await engine.db.select({ n: count() }).from(bookings)
    expect(after!.n).toBe(before!.n)
  })

  it('answers 404 for an unknown restaurant or booking, 413 for a huge body', async () => {
    expect((await book({ restaurant: 'nowhere' })).status).toBe(404)
    expect((await api.request('GET', '/api/bookings/00000000-0000-0000-0000-000000000000')).status).toBe(404)
    expect((await api.request('GET', '/api/bookings/not-a-uuid')).status).toBe(404)
    const huge = await api.request('POST', '/api/bookings', JSON.stringify({ guest: { name: 'x'.repeat(1_100_000) } }))
    expect(huge.status).toBe(413)
  })

  it('refuses bookings outside the service periods, in the restaurant time zone', async () => {
    const floor = smallFloor({
      servicePeriods: [{ name: 'dinner', days: [1, 2, 3, 4, 5, 6, 7], opens: '19:00', closes: '22:00' }],
    })
    await api.request('PUT', '/api/restaurants/dinner-only', floor)
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
    const lunch = await api.request('POST', '/api/bookings', {
      restaurant: 'dinner-only',
      startAt: `${day}T12:00:00+02:00`,
      partySize: 2,
      guest,
    })
    expect(lunch.status).toBe(400)
    expect(lunch.body.error.code).toBe('OUTSIDE_SERVICE_HOURS')
    const parisDinner = await api.request('POST', '/api/bookings', {
      restaurant: 'dinner-only',
      startAt: `${day}T20:00:00+01:00`,
      partySize: 2,
      guest,
    })
    expect(parisDinner.status).toBe(201)
  })

  it('gets, lists with filters, and cancels a booking, freeing its tables at once', async () => {
    const startAt = tomorrowAt(70)
    const first = await book({ startAt, partySize: 4, zone: 'patio' })
    expect(first.body.booking.tables).toEqual(['P1'])
    const blocked = await book({ startAt, partySize: 4, zone: 'patio' })
    expect(blocked.body.autoAssign.outcome).toBe('queued')
    expect(blocked.body.autoAssign.reason).toBe('NO_AVAILABILITY')

    const got = await api.request('GET', `/api/bookings/${first.body.booking.id}`)
    expect(got.body.booking.id).toBe(first.body.booking.id)
    const listed = await api.request(
      'GET',
      `/api/bookings?restaurant=bistro&status=confirmed&from=${encodeURIComponent(startAt)}`,
    )
    expect(listed.status).toBe(200)
    expect(listed.body.bookings.map((b: { id: string }) => b.id)).toContain(first.body.booking.id)
    expect(listed.body.bookings.every((b: { status: string }) => b.status === 'confirmed')).toBe(true)
    expect((await api.request('GET', '/api/bookings?restaurant=bistro&status=maybe')).status).toBe(400)

    const cancelled = await api.request('POST', `/api/bookings/${first.body.booking.id}/cancel`)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.booking).toMatchObject({ status: 'cancelled', assignmentState: 'cancelled', tables: [] })
    const live = await engine.db
      .select({ n: count() })
      .from(tableAllocations)
      .where(sql`${tableAllocations.bookingId} = ${first.body.booking.id} and ${tableAllocations.releasedAt} is null`)
    expect(live[0]!.n).toBe(0)
    expect((await api.request('POST', `/api/bookings/${first.body.booking.id}/cancel`)).status).toBe(200)

    // the queued booking's job now finds the freed table
    const seated = await waitFor(async () => {
      const b = (await api.request('GET', `/api/bookings/${blocked.body.booking.id}`)).body.booking
      return b.status === 'confirmed' || b.assignmentState === 'manual_review' ? b : undefined
    })
    expect(seated.status).toBe('confirmed')
    expect(seated.tables).toEqual(['P1'])
  })

  it('sends a hard failure to manual review without retrying (policy v2)', async () => {
    const response = await book({ startAt: tomorrowAt(80), partySize: 12 })
    expect(response.body.autoAssign).toMatchObject({ outcome: 'queued', reason: 'PARTY_TOO_LARGE' })
    const reviewed = await waitFor(async () => {
      const b = (await api.request('GET', `/api/bookings/${response.body.booking.id}`)).body.booking
      return b.assignmentState === 'manual_review' ? b : undefined
    })
    expect(reviewed.manualReviewReason).toBe('PARTY_TOO_LARGE')
    expect(reviewed.attempts).toBe(1) // the inline attempt only: the job skipped its first attempt
    const emails = await engine.db.select().from(emailOutbox).where(eq(emailOutbox.bookingId, reviewed.id))
    expect(emails).toHaveLength(0)
  })
})
