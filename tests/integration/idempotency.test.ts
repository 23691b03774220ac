import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const floor = {
  name: 'Replay Room',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: Array.from({ length: 8 }, (_, i) => ({ key: `T${i + 1}`, zone: 'main', capacity: 4 })),
  adjacency: [],
}

describe(`idempotent intake (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    // every attempt takes 300 ms between quote and hold: a replay lands while the first runs
    engine = await createTestEngine(
      { FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS: '5000' },
      { faults: { delayBeforeHoldMs: 300 } },
    )
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/replay', floor)).status).toBe(200)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  let n = 0
  const body = (key: string, overrides: Record<string, unknown> = {}) => ({
    restaurant: 'replay',
    startAt: new Date(Date.now() + (2 + n++) * 86_400_000).toISOString(),
    partySize: 2,
    guest: { name: 'Ada Lovelace', email: 'ada@example.com' },
    idempotencyKey: key,
    ...overrides,
  })

  it('a replay while the first request runs answers its real outcome', async () => {
    const request = body('replay-during')
    const first = api.request('POST', '/api/bookings', request)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const replays = await Promise.all(Array.from({ length: 5 }, () => api.request('POST', '/api/bookings', request)))
    const original = await first
    expect(original.status).toBe(201)
    expect(original.body.autoAssign.outcome).toBe('confirmed')
    for (const replay of replays) {
      expect(replay.status).toBe(200)
      expect(replay.body.booking.id).toBe(original.body.booking.id)
      expect(replay.body.autoAssign.outcome).toBe('confirmed')
      expect(replay.body.booking.status).toBe('confirmed')
    }
  })

  it('a reused key with other guest details is a conflict, like another party size', async () => {
    const request = body('reused-key')
    expect((await api.request('POST', '/api/bookings', request)).status).toBe(201)
    for (const change of [
      { guest: { name: 'Someone Else', email: 'ada@example.com' } },
      { guest: { name: 'Ada Lovelace', email: 'other@example.com' } },
      { guest: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' } },
      { partySize: 3 },
    ]) {
      const answer = await api.request('POST', '/api/bookings', { ...request, ...change })
      expect(answer.status).toBe(409)
      expect(answer.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    }
    const same = await api.request('POST', '/api/bookings', request)
    expect(same.status).toBe(200)
  })
})
