import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

describe('GET /api/restaurants and GET /api/restaurants/:slug', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine()
    api = await serveApi(engine)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('lists no restaurants on an empty database', async () => {
    const response = await api.request('GET', '/api/restaurants')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ restaurants: [] })
  })

  it('returns the floor as stored, in the PUT shape plus id, with the defaults written out', async () => {
    const floor = smallFloor({
      servicePeriods: [{ name: 'dinner', days: [2, 3, 4, 5, 6], opens: '18:30', closes: '23:00' }],
      tables: [
        { key: 'T1', zone: 'main', capacity: 2 },
        { key: 'T2', zone: 'main', capacity: 2, mergeable: false },
        { key: 'T3', zone: 'main', capacity: 2, active: false },
        { key: 'F1', zone: 'main', capacity: 4, minParty: 2, maxParty: 3 },
        { key: 'F2', zone: 'main', capacity: 4, minParty: 2 },
        { key: 'P1', zone: 'patio', capacity: 4 },
      ],
      // given in any order and direction; stored once each
      adjacency: [
        ['T2', 'T1'],
        ['F1', 'F2'],
        ['T2', 'T3'],
      ],
    })
    const put = await api.request('PUT', '/api/restaurants/the-bistro', floor)
    expect(put.status).toBe(200)
    const response = await api.request('GET', '/api/restaurants/the-bistro')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({
      id: put.body.restaurant.id,
      slug: 'the-bistro',
      name: 'Test Bistro',
      timezone: 'Europe/Paris',
      turnMinutes: { '2': 90, '4': 105, '99': 120 },
      bufferMinutes: 15,
      servicePeriods: [{ name: 'dinner', days: [2, 3, 4, 5, 6], opens: '18:30', closes: '23:00' }],
      zones: [
        { key: 'main', name: 'Main' },
        { key: 'patio', name: 'Patio' },
      ],
      tables: [
        { key: 'F1', zone: 'main', capacity: 4, minParty: 2, maxParty: 3, mergeable: true, active: true },
        { key: 'F2', zone: 'main', capacity: 4, minParty: 2, mergeable: true, active: true },
        { key: 'P1', zone: 'patio', capacity: 4, minParty: 1, mergeable: true, active: true },
        { key: 'T1', zone: 'main', capacity: 2, minParty: 1, mergeable: true, active: true },
        { key: 'T2', zone: 'main', capacity: 2, minParty: 1, mergeable: false, active: true },
        { key: 'T3', zone: 'main', capacity: 2, minParty: 1, mergeable: true, active: false },
      ],
      adjacency: [
        ['F1', 'F2'],
        ['T1', 'T2'],
        ['T2', 'T3'],
      ],
    })
  })

  it('round-trips: the GET answer PUT back changes nothing', async () => {
    const before = await api.request('GET', '/api/restaurants/the-bistro')
    const put = await api.request('PUT', '/api/restaurants/the-bistro', before.body)
    expect(put.status).toBe(200)
    const after = await api.request('GET', '/api/restaurants/the-bistro')
    expect(after.body).toEqual(before.body)
  })

  it('applies the defaults a PUT leaves out (turn times, buffer, open around the clock)', async () => {
    const { turnMinutes: _t, bufferMinutes: _b, ...bare } = smallFloor({ name: 'Bare' })
    expect((await api.request('PUT', '/api/restaurants/bare', bare)).status).toBe(200)
    const response = await api.request('GET', '/api/restaurants/bare')
    expect(response.body.turnMinutes).toEqual({ '2': 90, '4': 105, '6': 120, '99': 150 })
    expect(response.body.bufferMinutes).toBe(15)
    expect(response.body.servicePeriods).toEqual([])
  })

  it('lists restaurants by name with the size of each floor', async () => {
    const response = await api.request('GET', '/api/restaurants')
    expect(response.status).toBe(200)
    expect(
      response.body.restaurants.map((r: any) => ({ slug: r.slug, name: r.name, zones: r.zones, tables: r.tables })),
    ).toEqual([
      { slug: 'bare', name: 'Bare', zones: 2, tables: 6 },
      { slug: 'the-bistro', name: 'Test Bistro', zones: 2, tables: 6 },
    ])
    expect(response.body.restaurants[0].id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers 404 with a code for an unknown or malformed slug, and 401 without the token', async () => {
    const missing = await api.request('GET', '/api/restaurants/nowhere')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('RESTAURANT_NOT_FOUND')
    const malformed = await api.request('GET', '/api/restaurants/Not%20A%20Slug')
    expect(malformed.status).toBe(404)
    const anonymous = await fetch(`${api.url}/api/restaurants`)
    expect(anonymous.status).toBe(401)
  })
})
