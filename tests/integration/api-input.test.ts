import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count } from 'drizzle-orm'
import { bookings } from '../../server/db/schema/bookings.ts'
import { restaurants, zones } from '../../server/db/schema/restaurants.ts'
import { redactForLog } from '../../server/http/log-redaction.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000)
/** a future instant written with an explicit offset string */
const withOffset = (offset: string) => `${hoursFromNow(48).toISOString().slice(0, 19)}${offset}`
const guest = { name: 'Ada Lovelace', email: 'ada@example.com' }

describe('bad input at the API edge answers 4xx with a message, never 500', () => {
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

  const bookingCount = async () => (await engine.db.select({ n: count() }).from(bookings))[0]!.n
  const book = (body: Record<string, unknown>) =>
    api.request('POST', '/api/bookings', {
      restaurant: 'bistro',
      startAt: withOffset('Z'),
      partySize: 2,
      guest,
      ...body,
    })

  it.each(['+24:00', '+99:99', '-99:00', '+14:30', '+05:60'])(
    'refuses the UTC offset %s in startAt, from, to and since',
    async (offset) => {
      const before = await bookingCount()
      const created = await book({ startAt: withOffset(offset) })
      expect(created.status).toBe(400)
      expect(JSON.stringify(created.body)).toMatch(/startAt: the UTC offset .* is out of range/)
      const value = encodeURIComponent(withOffset(offset))
      const listed = await api.request('GET', `/api/bookings?restaurant=bistro&from=${value}&to=${value}`)
      expect(listed.status).toBe(400)
      expect(JSON.stringify(listed.body)).toMatch(/from: the UTC offset/)
      const events = await api.request('GET', `/api/events?since=${value}`)
      expect(events.status).toBe(400)
      expect(JSON.stringify(events.body)).toMatch(/since: the UTC offset/)
      expect(await bookingCount()).toBe(before)
    },
  )

  it('accepts the real extremes -12:00 and +14:00, and refuses impossible calendar dates', async () => {
    expect((await api.request('GET', `/api/events?since=${encodeURIComponent(withOffset('+14:00'))}`)).status).toBe(200)
    expect((await api.request('GET', `/api/events?since=${encodeURIComponent(withOffset('-12:00'))}`)).status).toBe(200)
    const february = await api.request('GET', `/api/events?since=${encodeURIComponent('2031-02-30T10:00:00Z')}`)
    expect(february.status).toBe(400)
    expect(JSON.stringify(february.body)).toContain('not a calendar date')
  })

  it.each([
    ['the guest name', { guest: { ...guest, name: 'Ada\u0000Lovelace' } }, 'body.guest.name'],
    ['the guest email', { guest: { ...guest, email: 'ada\u0000@example.com' } }, 'body.guest.email'],
    ['the idempotency key', { idempotencyKey: 'key\u0000one' }, 'body.idempotencyKey'],
    ['a key of the body', { 'odd\u0000key': 1 }, 'a key in body'],
    ['an unpaired surrogate in the guest name', { guest: { ...guest, name: 'Ada \ud800' } }, 'body.guest.name'],
  ])('refuses a NUL or broken character in %s with 400 and writes nothing', async (_what, body, where) => {
    const before = await bookingCount()
    const response = await book(body)
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('INVALID_CHARACTER')
    expect(response.body.error.message).toContain(where)
    expect(await bookingCount()).toBe(before)
  })

  it('refuses NUL in restaurant and zone names, in the events type filter and in the URL', async () => {
    const restaurantsBefore = (await engine.db.select({ n: count() }).from(restaurants))[0]!.n
    const named = await api.request('PUT', '/api/restaurants/nul-bistro', smallFloor({ name: 'Bis\u0000tro' }))
    expect(named.status).toBe(400)
    expect(named.body.error.message).toContain('body.name')
    const zoned = await api.request(
      'PUT',
      '/api/restaurants/nul-bistro',
      smallFloor({
        zones: [
          { key: 'main', name: 'Ma\u0000in' },
          { key: 'patio', name: 'Patio' },
        ],
      }),
    )
    expect(zoned.status).toBe(400)
    expect(zoned.body.error.message).toContain('body.zones[0].name')
    expect((await engine.db.select({ n: count() }).from(restaurants))[0]!.n).toBe(restaurantsBefore)
    const events = await api.request('GET', '/api/events?type=booking.created%00')
    expect(events.status).toBe(400)
    expect(events.body.error.code).toBe('INVALID_CHARACTER')
    const path = await api.request('GET', '/api/bookings/%00')
    expect(path.status).toBe(400)
  })

  it('refuses to remove a zone that bookings name, even cancelled ones, with 409 naming them', async () => {
    const created = await book({ startAt: hoursFromNow(30).toISOString(), partySize: 4, zone: 'patio' })
    expect(created.status).toBe(201)
    const reference = created.body.booking.reference as string
    expect((await api.request('POST', `/api/bookings/${created.body.booking.id}/cancel`)).status).toBe(200)
    const zonesBefore = await engine.db.select().from(zones)
    const floor = smallFloor({
      zones: [{ key: 'main', name: 'Main' }],
      tables: smallFloor().tables!.filter((table) => table.zone === 'main'),
    })
    const response = await api.request('PUT', '/api/restaurants/bistro', floor)
    expect(response.status).toBe(409)
    expect(response.body.error.code).toBe('FLOOR_ZONE_IN_USE')
    expect(response.body.error.message).toContain('patio')
    expect(response.body.error.message).toContain(reference)
    expect(response.body.error.issues).toContainEqual({ zone: 'patio', booking: reference, status: 'cancelled' })
    // the whole import rolled back: the patio and its table are still there
    expect(await engine.db.select().from(zones)).toHaveLength(zonesBefore.length)
  })

  it('labels failed API requests in /metrics with the route they were for', async () => {
    expect((await book({ partySize: 0 })).status).toBe(400)
    expect((await api.request('POST', '/api/bookings', '{"not json')).status).toBe(400)
    expect((await api.request('GET', '/api/bookings/not-a-uuid')).status).toBe(404)
    expect((await api.request('GET', '/api/nowhere')).status).toBe(404)
    const text = (await fetch(`${api.url}/metrics`).then((r) => r.text())).split('\n')
    const lines = text.filter((line) => line.startsWith('maitre_http_requests_total{'))
    expect(lines.some((l) => l.includes('method="POST",route="/api/bookings",status="400"'))).toBe(true)
    expect(lines.some((l) => l.includes('method="GET",route="/api/bookings/:id",status="404"'))).toBe(true)
    expect(lines.some((l) => l.includes('route="unmatched",status="404"'))).toBe(true)
    expect(lines.filter((l) => l.includes('route="/api/"') || l.includes('route="/api"'))).toEqual([])
  })

  it('logs a failed statement without the guest name and email it carried', async () => {
    let error: unknown
    try {
      await engine.db.insert(bookings).values({
        reference: 'REDACT1',
        restaurantId: '00000000-0000-0000-0000-000000000000',
        partySize: 2,
        startAt: hoursFromNow(24),
        endAt: hoursFromNow(26),
        guestName: 'Grace Hopper',
        guestEmail: 'grace.hopper@example.com',
      })
    } catch (caught) {
      error = caught
    }
    expect(String((error as Error).message)).toContain('grace.hopper@example.com')
    const line = redactForLog(error)
    expect(line).toContain('insert into "bookings"')
    expect(line).not.toContain('Grace Hopper')
    expect(line).not.toContain('grace.hopper@example.com')
  })
})

describe('METRICS_TOKEN', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ METRICS_TOKEN: 'metrics-token-0123456789' })
    api = await serveApi(engine)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('protects /metrics with its own bearer token when set', async () => {
    const anonymous = await fetch(`${api.url}/metrics`)
    expect(anonymous.status).toBe(401)
    expect((await anonymous.json()).error.message).toContain('METRICS_TOKEN')
    const apiToken = await fetch(`${api.url}/metrics`, {
      headers: { authorization: `Bearer ${engine.config.apiToken}` },
    })
    expect(apiToken.status).toBe(401)
    const right = await fetch(`${api.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })
    expect(right.status).toBe(200)
    expect(await right.text()).toContain('maitre_http_requests_total')
  })
})
