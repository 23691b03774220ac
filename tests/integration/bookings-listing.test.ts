import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

// every start on a whole hour, two days out and later, so each booking finds a table
const base = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 48 * 3_600_000
const hoursOut = (hours: number) => new Date(base + hours * 3_600_000).toISOString()

describe('GET /api/bookings: filters and cursor pagination', () => {
  let engine: TestEngine
  let api: TestApi
  const bistro: Array<{ id: string; startAt: string }> = []
  const other: string[] = []

  const book = async (restaurant: string, startAt: string) => {
    const response = await api.request('POST', '/api/bookings', {
      restaurant,
      startAt,
      partySize: 2,
      guest: { name: 'Grace Hopper', email: 'grace@example.com' },
    })
    expect(response.status).toBe(201)
    return response.body.booking as { id: string; startAt: string }
  }

  beforeAll(async () => {
    engine = await createTestEngine()
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/bistro', smallFloor())).status).toBe(200)
    expect((await api.request('PUT', '/api/restaurants/other', smallFloor({ name: 'Other' }))).status).toBe(200)
    // two bookings share a start time: the page edge must neither skip nor repeat one of them
    for (const hours of [0, 3, 3, 6, 9, 12, 15]) bistro.push(await book('bistro', hoursOut(hours)))
    for (const hours of [1, 4, 200]) other.push((await book('other', hoursOut(hours))).id)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  async function readAll(query: string) {
    const ids: string[] = []
    const totals: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const response = await api.request(
        'GET',
        `/api/bookings?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      expect(response.status).toBe(200)
      ids.push(...response.body.bookings.map((b: { id: string }) => b.id))
      totals.push(response.body.total)
      cursor = response.body.nextCursor
      pages++
    } while (cursor && pages < 20)
    return { ids, totals, pages }
  }

  it('walks every booking of a restaurant page by page, in start order, with the total on each page', async () => {
    const { ids, totals, pages } = await readAll('restaurant=bistro&limit=2')
    expect(pages).toBe(4)
    expect(totals).toEqual([7, 7, 7, 7])
    expect(new Set(ids).size).toBe(7)
    const expected = [...bistro].sort((a, b) => a.startAt.localeCompare(b.startAt) || a.id.localeCompare(b.id))
    expect(ids).toEqual(expected.map((b) => b.id))
  })

  it('pages through ties one at a time without losing either booking', async () => {
    const { ids, pages } = await readAll('restaurant=bistro&limit=1')
    expect(pages).toBe(7)
    expect(new Set(ids)).toEqual(new Set(bistro.map((b) => b.id)))
  })

  it('lists across restaurants when from and to bound the range', async () => {
    const query = `from=${encodeURIComponent(hoursOut(-1))}&to=${encodeURIComponent(hoursOut(100))}`
    const response = await api.request('GET', `/api/bookings?${query}`)
    expect(response.status).toBe(200)
    expect(response.body.total).toBe(9)
    expect(response.body.nextCursor).toBeNull()
    const restaurants = new Set(response.body.bookings.map((b: { restaurant: string }) => b.restaurant))
    expect(restaurants).toEqual(new Set(['bistro', 'other']))
    expect(response.body.bookings.map((b: { id: string }) => b.id)).not.toContain(other[2])
  })

  it('refuses an unbounded listing without a restaurant, saying what to add', async () => {
    const response = await api.request('GET', `/api/bookings?from=${encodeURIComponent(hoursOut(0))}`)
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('VALIDATION_FAILED')
    expect(response.body.error.issues[0].path).toEqual(['restaurant'])
    expect(response.body.error.issues[0].message).toMatch(/both from and to/)
    const backwards = await api.request(
      'GET',
      `/api/bookings?restaurant=bistro&from=${encodeURIComponent(hoursOut(5))}&to=${encodeURIComponent(hoursOut(1))}`,
    )
    expect(backwards.status).toBe(400)
  })

  it('filters by assignmentState and by status', async () => {
    const target = bistro[4]!.id
    await engine.database.executeSql(
      `update bookings set assignment_state = 'manual_review', status = 'pending_allocation' where id = '${target}'`,
    )
    const review = await api.request('GET', '/api/bookings?restaurant=bistro&assignmentState=manual_review')
    expect(review.status).toBe(200)
    expect(review.body.total).toBe(1)
    expect(review.body.bookings.map((b: { id: string }) => b.id)).toEqual([target])

    expect((await api.request('POST', `/api/bookings/${other[0]}/cancel`)).status).toBe(200)
    const query = `status=cancelled&from=${encodeURIComponent(hoursOut(-1))}&to=${encodeURIComponent(hoursOut(300))}`
    const cancelled = await api.request('GET', `/api/bookings?${query}`)
    expect(cancelled.body.bookings.map((b: { id: string }) => b.id)).toEqual([other[0]])
    expect(cancelled.body.total).toBe(1)

    const unknown = await api.request('GET', '/api/bookings?restaurant=bistro&assignmentState=seated')
    expect(unknown.status).toBe(400)
  })

  it('answers 400 for a cursor it did not give out, and 404 for an unknown restaurant', async () => {
    const forged = await api.request('GET', '/api/bookings?restaurant=bistro&cursor=not-a-cursor')
    expect(forged.status).toBe(400)
    expect(forged.body.error.code).toBe('INVALID_CURSOR')
    const missing = await api.request('GET', '/api/bookings?restaurant=nowhere')
    expect(missing.status).toBe(404)
  })
})
