import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertEvents, type TestEvent } from '../helpers/analytics-events.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const T0 = Date.parse('2030-02-01T00:00:00.000Z')
const hours = (n: number) => new Date(T0 + n * 3_600_000)
const summary = (hour: number, restaurantId: string, attempts: number, result = 'succeeded'): TestEvent => ({
  occurredAt: new Date(hours(hour).getTime() + 60_000),
  eventType: 'auto_assign.summary',
  restaurantId,
  context: { result, attempts_used: attempts, total_duration_ms: 100 * attempts },
})

describe('metrics and alerts API', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    api = await serveApi(engine)
    const floor = {
      name: 'API Bistro',
      timezone: 'Europe/Paris',
      zones: [{ key: 'main', name: 'Main' }],
      tables: [{ key: 'T1', zone: 'main', capacity: 2 }],
      adjacency: [],
    }
    await engine.restaurants.putFloor('api-bistro', floor)
    await engine.restaurants.putFloor('api-other', { ...floor, name: 'API Other' })
    const a = (await engine.restaurants.findBySlug('api-bistro'))!.id
    const b = (await engine.restaurants.findBySlug('api-other'))!.id
    // baseline day: 4 jobs of A, 2 attempts each; candidate day: 2 jobs of A with 1 attempt, 1 of B with 5
    await insertEvents(engine, [
      ...[1, 2, 3, 4].map((h) => summary(h, a, 2)),
      summary(25, a, 1),
      summary(26, a, 1),
      summary(26, b, 5, 'exhausted'),
    ])
  }, 60_000)
  afterAll(async () => {
    await api?.close()
    await engine?.dispose()
  })

  it('lists the catalogue', async () => {
    const { status, body } = await api.request('GET', '/api/metrics')
    expect(status).toBe(200)
    const names = body.metrics.map((m: { name: string }) => m.name)
    expect(names).toContain('job_success_rate')
    expect(body.metrics.find((m: { name: string }) => m.name === 'avg_attempts')).toMatchObject({
      unit: 'attempts',
      better: 'lower',
      description: expect.any(String),
    })
  })

  it('reads one metric with its series, filtered by restaurant, as JSON and CSV', async () => {
    const window = `from=${hours(24).toISOString()}&to=${hours(48).toISOString()}`
    const all = await api.request('GET', `/api/metrics/avg_attempts?${window}&bucket=hour`)
    expect(all.status).toBe(200)
    expect(all.body).toMatchObject({ name: 'avg_attempts', value: 7 / 3, sampleSize: 3 })
    expect(all.body.series).toHaveLength(24)
    expect(all.body.series[2]).toEqual({ at: hours(26).toISOString(), value: 3, sampleSize: 2 })
    const onlyA = await api.request('GET', `/api/metrics/avg_attempts?${window}&restaurant=api-bistro&bucket=day`)
    expect(onlyA.body).toMatchObject({ value: 1, sampleSize: 2 })
    expect(onlyA.body.series).toEqual([{ at: hours(24).toISOString(), value: 1, sampleSize: 2 }])

    const csv = await fetch(`${api.url}/api/metrics/job_success_rate?${window}&bucket=day&format=csv`, {
      headers: { authorization: `Bearer ${engine.config.apiToken}` },
    })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    expect(await csv.text()).toBe(
      `at,job_success_rate,sample_size\r\n${hours(24).toISOString()},66.66666666666667,3\r\n`,
    )
  })

  it('compares a baseline with a candidate window', async () => {
    const q = new URLSearchParams({
      baselineFrom: hours(0).toISOString(),
      baselineTo: hours(24).toISOString(),
      candidateFrom: hours(24).toISOString(),
      candidateTo: hours(48).toISOString(),
      restaurant: 'api-bistro',
    })
    const { status, body } = await api.request('GET', `/api/metrics/compare?${q}`)
    expect(status).toBe(200)
    const avg = body.metrics.find((m: { name: string }) => m.name === 'avg_attempts')
    expect(avg).toMatchObject({
      baseline: { value: 2, sampleSize: 4 },
      candidate: { value: 1, sampleSize: 2 },
      change: -1,
      changePct: -50,
      verdict: 'better',
    })
    const csv = await api.request('GET', `/api/metrics/compare?${q}&format=csv`)
    expect(csv.body).toContain('avg_attempts,attempts,lower,2,4,1,2,-1,-50,better')
  })

  it('answers 4xx for what the caller got wrong', async () => {
    expect((await api.request('GET', '/api/metrics/nope')).body.error.code).toBe('UNKNOWN_METRIC')
    expect((await api.request('GET', '/api/metrics/nope')).status).toBe(404)
    expect((await api.request('GET', '/api/metrics/avg_attempts?from=yesterday')).status).toBe(400)
    expect((await api.request('GET', '/api/metrics/avg_attempts?restaurant=missing')).status).toBe(404)
    expect((await api.request('GET', '/api/metrics/reason_share_pct')).body.error.code).toBe('REASON_REQUIRED')
    const tooMany = await api.request(
      'GET',
      `/api/metrics/avg_attempts?from=${hours(0).toISOString()}&to=${hours(24 * 30).toISOString()}&bucket=minute`,
    )
    expect(tooMany.status).toBe(400)
    expect((await api.request('GET', '/api/metrics/compare?baselineFrom=x')).status).toBe(400)
  })

  it('lists alerts, changes one (audited) and shows the history', async () => {
    const list = await api.request('GET', '/api/alerts')
    expect(list.status).toBe(200)
    const rule = list.body.alerts.find((a: { key: string }) => a.key === 'manual_review_queue_spike')
    expect(rule).toMatchObject({
      severity: 'P2',
      metric: 'manual_review_share',
      comparator: 'gt',
      threshold: 20,
      forMinutes: 5,
      enabled: true,
      state: 'ok',
    })
    const put = await api.request('PUT', '/api/alerts/manual_review_queue_spike', { threshold: 25, enabled: false })
    expect(put.status).toBe(200)
    expect(put.body.alert).toMatchObject({ threshold: 25, enabled: false })
    expect((await api.request('PUT', '/api/alerts/manual_review_queue_spike', { severity: 'P1' })).status).toBe(400)
    expect((await api.request('PUT', '/api/alerts/nope', { enabled: true })).status).toBe(404)
    const history = await api.request('GET', `/api/alerts/history?since=${hours(0).toISOString()}`)
    expect(history.status).toBe(200)
    expect(history.body).toEqual({ transitions: [] })
    expect((await api.request('GET', '/api/alerts/history?since=soon')).status).toBe(400)
  })
})
