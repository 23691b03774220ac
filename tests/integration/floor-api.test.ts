import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAdjacency, listTables } from '../../server/db/queries/restaurants.ts'
import { tableAllocations } from '../../server/db/schema/allocations.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

describe('PUT /api/restaurants/:slug and the API surface', () => {
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

  it('GET /healthz answers without auth', async () => {
    const response = await fetch(`${api.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
  })

  it('refuses /api without a bearer token, or with a wrong one', async () => {
    const missing = await fetch(`${api.url}/api/restaurants/x`, { method: 'PUT' })
    expect(missing.status).toBe(401)
    expect((await missing.json()).error.code).toBe('UNAUTHENTICATED')
    const wrong = await api.request('PUT', '/api/restaurants/x', smallFloor(), { authorization: 'Bearer nope' })
    expect(wrong.status).toBe(401)
  })

  it('creates a floor and answers with its id and slug', async () => {
    const response = await api.request('PUT', '/api/restaurants/test-bistro', smallFloor())
    expect(response.status).toBe(200)
    expect(response.body.restaurant.slug).toBe('test-bistro')
    expect(response.body.restaurant.id).toMatch(/^[0-9a-f-]{36}$/)
    const tables = await listTables(engine.db, response.body.restaurant.id)
    expect(tables.map((t) => t.key).sort()).toEqual(['F1', 'F2', 'P1', 'T1', 'T2', 'T3'])
    expect(await listAdjacency(engine.db, response.body.restaurant.id)).toHaveLength(3)
  })

  it('keeps ids stable for unchanged keys when the floor is replaced', async () => {
    const first = await api.request('PUT', '/api/restaurants/stable', smallFloor())
    const before = await listTables(engine.db, first.body.restaurant.id)
    const floor = smallFloor()
    floor.tables = floor.tables.filter((t) => t.key !== 'T3').map((t) => (t.key === 'T1' ? { ...t, capacity: 3 } : t))
    floor.tables.push({ key: 'N1', zone: 'patio', capacity: 6 })
    floor.adjacency = [
      ['T1', 'T2'],
      ['T2', 'T1'],
      ['P1', 'N1'],
    ]
    const second = await api.request('PUT', '/api/restaurants/stable', floor)
    expect(second.status).toBe(200)
    expect(second.body.restaurant.id).toBe(first.body.restaurant.id)
    const after = await listTables(engine.db, first.body.restaurant.id)
    const idOf = (rows: typeof before, key: string) => rows.find((t) => t.key === key)?.id
    for (const key of ['T1', 'T2', 'F1', 'F2', 'P1']) expect(idOf(after, key)).toBe(idOf(before, key))
    expect(idOf(after, 'T3')).toBeUndefined()
    expect(after.find((t) => t.key === 'T1')!.capacity).toBe(3)
    // the reversed duplicate edge collapses into one undirected edge
    expect(await listAdjacency(engine.db, first.body.restaurant.id)).toHaveLength(2)
  })

  it.each([
    ['an unknown zone', (f: any) => f.tables.push({ key: 'X1', zone: 'nowhere', capacity: 2 }), ['tables', 6, 'zone']],
    [
      'a duplicate table key',
      (f: any) => f.tables.push({ key: 'T1', zone: 'main', capacity: 2 }),
      ['tables', 6, 'key'],
    ],
    ['a duplicate zone key', (f: any) => f.zones.push({ key: 'main', name: 'again' }), ['zones', 2, 'key']],
    ['adjacency to an unknown table', (f: any) => f.adjacency.push(['T1', 'GHOST']), ['adjacency', 3, 1]],
    ['capacity below 1', (f: any) => (f.tables[0].capacity = 0), ['tables', 0, 'capacity']],
    ['a bad time zone', (f: any) => (f.timezone = 'Mars/Olympus'), ['timezone']],
    [
      'minParty above maxParty',
      (f: any) => Object.assign(f.tables[0], { minParty: 2, maxParty: 1 }),
      ['tables', 0, 'minParty'],
    ],
  ])('answers 400 with issues for %s', async (_label, mutate, path) => {
    const floor: any = smallFloor()
    mutate(floor)
    const response = await api.request('PUT', '/api/restaurants/invalid', floor)
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('VALIDATION_FAILED')
    expect(response.body.error.issues.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(path)
    const stored = await engine.restaurants.findBySlug('invalid')
    expect(stored).toBeUndefined()
  })

  it('answers 400 for a bad slug, 400 for malformed JSON, 413 above 1 MiB, 404 for unknown routes', async () => {
    expect((await api.request('PUT', '/api/restaurants/Bad%20Slug', smallFloor())).status).toBe(400)
    const malformed = await api.request('PUT', '/api/restaurants/x', '{"name": ')
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('INVALID_JSON')
    const huge = JSON.stringify({ ...smallFloor(), name: 'x'.repeat(1024 * 1024 + 10) })
    const tooLarge = await api.request('PUT', '/api/restaurants/x', huge)
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE')
    const unknown = await api.request('GET', '/api/nothing-here')
    expect(unknown.status).toBe(404)
  })

  it('never answers 5xx for malformed requests', async () => {
    const bodies: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { zones: 'x' },
      { tables: [{}] },
      { ...smallFloor(), adjacency: [[1, 2]] },
    ]
    for (const body of bodies) {
      const response = await api.request('PUT', '/api/restaurants/fuzz', JSON.stringify(body))
      expect(response.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400)
      expect(response.status, JSON.stringify(body)).toBeLessThan(500)
      expect(response.body.error.message).toEqual(expect.any(String))
    }
  })

  it('answers 409 when a replacement would drop a table holding a live future allocation', async () => {
    const created = await api.request('PUT', '/api/restaurants/busy', smallFloor())
    const restaurantId = created.body.restaurant.id
    const tables = await listTables(engine.db, restaurantId)
    const t3 = tables.find((t) => t.key === 'T3')!
    const start = new Date(Date.now() + 86_400_000)
    await engine.db.insert(tableAllocations).values({
      restaurantId,
      tableId: t3.id,
      kind: 'assignment',
      window: { start, end: new Date(start.getTime() + 7_200_000) },
    })
    const floor = smallFloor()
    floor.tables = floor.tables.filter((t) => t.key !== 'T3')
    floor.adjacency = [['T1', 'T2']]
    const response = await api.request('PUT', '/api/restaurants/busy', floor)
    expect(response.status).toBe(409)
    expect(response.body.error.code).toBe('FLOOR_TABLE_IN_USE')
    expect(response.body.error.message).toContain('T3')
    // nothing was half-written: the table and its adjacency are still there
    const after = await listTables(engine.db, restaurantId)
    expect(after.map((t) => t.key)).toContain('T3')
    expect(await listAdjacency(engine.db, restaurantId)).toHaveLength(3)
  })
})
