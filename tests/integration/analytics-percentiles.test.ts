import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { observabilityEvents, type NewObservabilityEvent } from '../../server/db/schema/observability.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

// Known telemetry at known times; the expected percentiles come from a reference implementation of
// Postgres' percentile_cont (linear interpolation between the closest ranks).
function percentileCont(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = fraction * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

const T0 = new Date('2030-01-01T00:00:00.000Z').getTime() // a multiple of every bucket size used
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const restaurantA = crypto.randomUUID()
const restaurantB = crypto.randomUUID()

const quote = (
  seconds: number,
  restaurantId: string,
  durationMs: number,
  trigger: 'inline' | 'job' | 'coordinator',
): NewObservabilityEvent => ({
  occurredAt: at(seconds),
  source: 'test',
  eventType: 'auto_assign.quote',
  restaurantId,
  bookingId: crypto.randomUUID(),
  context: {
    planner_duration_ms: durationMs,
    success: durationMs % 2 === 0,
    reason: durationMs % 2 === 0 ? null : 'NO_AVAILABILITY',
    reason_category: durationMs % 2 === 0 ? null : 'capacity',
    require_adjacency: true,
    max_tables: 3,
    trigger,
    attempt_index: 0,
    cache_hit: durationMs === 1000,
  },
})

const inlineRun = (
  seconds: number,
  restaurantId: string,
  durationMs: number,
  outcome: 'confirmed' | 'queued' | 'timeout',
): NewObservabilityEvent => ({
  occurredAt: at(seconds),
  source: 'test',
  eventType: 'inline_auto_assign.finished',
  restaurantId,
  bookingId: crypto.randomUUID(),
  context: { duration_ms: durationMs, outcome, reason: null, timed_out: outcome === 'timeout' },
})

// Planner: bucket 0 (300 s buckets) has 1..100 ms inline quotes of A, bucket 1 has four job quotes
// of A, bucket 2 one inline quote of B, plus a coordinator quote of B in bucket 2.
const bucket0Durations = Array.from({ length: 100 }, (_, i) => i + 1)
const bucket1Durations = [40, 10, 30, 20]
const events: NewObservabilityEvent[] = [
  ...bucket0Durations.map((ms, i) => quote(i, restaurantA, ms, 'inline')),
  ...bucket1Durations.map((ms, i) => quote(300 + i, restaurantA, ms, 'job')),
  quote(650, restaurantB, 1000, 'inline'),
  quote(700, restaurantB, 3, 'coordinator'),
  // outside the window [T0, T0 + 900 s): never counted
  quote(-1, restaurantA, 99_999, 'inline'),
  quote(900, restaurantA, 99_999, 'inline'),
  // other event types: never counted as planner calls
  {
    occurredAt: at(10),
    source: 'test',
    eventType: 'auto_assign.summary',
    restaurantId: restaurantA,
    context: { attempts_used: 2, max_attempts: 5, result: 'succeeded', total_duration_ms: 77 },
  },
  // inline runs: bucket 0 of A 1 timeout in 4, bucket 1 of A 2 timeouts in 3, bucket 2 of B none in 1
  inlineRun(5, restaurantA, 10, 'confirmed'),
  inlineRun(6, restaurantA, 20, 'confirmed'),
  inlineRun(7, restaurantA, 30, 'queued'),
  inlineRun(8, restaurantA, 1500, 'timeout'),
  inlineRun(310, restaurantA, 1500, 'timeout'),
  inlineRun(320, restaurantA, 1501, 'timeout'),
  inlineRun(330, restaurantA, 5, 'confirmed'),
  inlineRun(610, restaurantB, 7, 'confirmed'),
  inlineRun(-5, restaurantB, 99_999, 'timeout'),
]
const window = { from: at(0), to: at(900), bucketSeconds: 300 }

let engine: TestEngine
beforeAll(async () => {
  engine = await createTestEngine()
  await engine.db.insert(observabilityEvents).values(events)
})
afterAll(async () => {
  await engine?.dispose()
})

function expectPercentiles(
  actual: { p50: number | null; p90?: number | null; p95: number | null; p99: number | null },
  values: number[],
) {
  expect(actual.p50).toBeCloseTo(percentileCont(values, 0.5), 9)
  if ('p90' in actual) expect(actual.p90).toBeCloseTo(percentileCont(values, 0.9), 9)
  expect(actual.p95).toBeCloseTo(percentileCont(values, 0.95), 9)
  expect(actual.p99).toBeCloseTo(percentileCont(values, 0.99), 9)
}

describe('planner percentiles (sql/analytics/planner-percentiles.sql)', () => {
  it('gives exact percentiles per bucket and over the window', async () => {
    const result = await engine.analytics.plannerPercentiles(window)
    expect(result.buckets.map((b) => b.bucketStart.toISOString())).toEqual(
      [at(0), at(300), at(600)].map((d) => d.toISOString()),
    )
    expect(result.buckets.map((b) => b.count)).toEqual([100, 4, 2])

    const [b0, b1, b2] = result.buckets
    expect(b0).toMatchObject({ p50: 50.5, maxMs: 100, successes: 50, cacheHits: 0 })
    expect(b0!.p90).toBeCloseTo(90.1, 9)
    expect(b0!.p95).toBeCloseTo(95.05, 9)
    expect(b0!.p99).toBeCloseTo(99.01, 9)
    expect(b0!.avgMs).toBeCloseTo(50.5, 9)
    expect(b1).toMatchObject({ p50: 25, maxMs: 40 })
    expect(b1!.p90).toBeCloseTo(37, 9)
    expect(b1!.p95).toBeCloseTo(38.5, 9)
    expect(b1!.p99).toBeCloseTo(39.7, 9)
    expectPercentiles(b2!, [1000, 3])

    const all = [...bucket0Durations, ...bucket1Durations, 1000, 3]
    expect(result.totals).toMatchObject({ count: 106, maxMs: 1000, cacheHits: 1 })
    expectPercentiles(result.totals, all)
  })

  it('filters by restaurant', async () => {
    const a = await engine.analytics.plannerPercentiles({ ...window, restaurantId: restaurantA })
    expect(a.buckets.map((b) => b.count)).toEqual([100, 4, 0])
    expect(a.buckets[2]).toMatchObject({ p50: null, p90: null, p95: null, p99: null, maxMs: null })
    expect(a.totals.count).toBe(104)
    expectPercentiles(a.totals, [...bucket0Durations, ...bucket1Durations])

    const b = await engine.analytics.plannerPercentiles({ ...window, restaurantId: restaurantB })
    expect(b.buckets.map((x) => x.count)).toEqual([0, 0, 2])
    expect(b.totals.p50).toBeCloseTo(501.5, 9)
  })

  it('filters by trigger (inline vs job; null means every trigger)', async () => {
    const job = await engine.analytics.plannerPercentiles({ ...window, trigger: 'job' })
    expect(job.buckets.map((b) => b.count)).toEqual([0, 4, 0])
    expect(job.totals.p50).toBe(25)

    const inline = await engine.analytics.plannerPercentiles({ ...window, trigger: 'inline' })
    expect(inline.buckets.map((b) => b.count)).toEqual([100, 0, 1])
    expectPercentiles(inline.totals, [...bucket0Durations, 1000])

    const inlineB = await engine.analytics.plannerPercentiles({
      ...window,
      trigger: 'inline',
      restaurantId: restaurantB,
    })
    expect(inlineB.buckets.map((b) => b.count)).toEqual([0, 0, 1])
    expect(inlineB.totals).toMatchObject({ count: 1, p50: 1000, p99: 1000 })
  })

  it('aligns buckets to the epoch and counts only events inside [from, to)', async () => {
    const result = await engine.analytics.plannerPercentiles({ from: at(150), to: at(450), bucketSeconds: 300 })
    expect(result.buckets.map((b) => b.bucketStart.getTime())).toEqual([at(0).getTime(), at(300).getTime()])
    expect(result.buckets.map((b) => b.count)).toEqual([0, 4])
    expect(result.totals.count).toBe(4)

    const minutes = await engine.analytics.plannerPercentiles({ ...window, bucketSeconds: 60 })
    expect(minutes.buckets).toHaveLength(15)
    expect(minutes.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(106)
    expect(minutes.buckets[0]!.count).toBe(60)
    expect(minutes.buckets[1]!.count).toBe(40)
  })

  it('answers an empty window with empty buckets and null percentiles', async () => {
    const result = await engine.analytics.plannerPercentiles({ from: at(-3600), to: at(-1800), bucketSeconds: 600 })
    expect(result.buckets.map((b) => b.count)).toEqual([0, 0, 0])
    expect(result.totals).toEqual({
      count: 0,
      successes: 0,
      cacheHits: 0,
      p50: null,
      p90: null,
      p95: null,
      p99: null,
      maxMs: null,
      avgMs: null,
    })
  })

  it('rejects bad params before touching the database', async () => {
    await expect(engine.analytics.plannerPercentiles({ from: at(10), to: at(10), bucketSeconds: 60 })).rejects.toThrow(
      /from must be before to/,
    )
    await expect(
      engine.analytics.plannerPercentiles({ from: at(0), to: at(86_400 * 7), bucketSeconds: 1 }),
    ).rejects.toThrow(/buckets/)
    await expect(engine.analytics.plannerPercentiles({ ...window, restaurantId: 'nope' })).rejects.toThrow()
  })
})

describe('inline percentiles (sql/analytics/inline-percentiles.sql)', () => {
  it('gives duration percentiles and inline_timeout_pct per bucket and over the window', async () => {
    const result = await engine.analytics.inlinePercentiles(window)
    expect(result.buckets.map((b) => [b.runs, b.timeouts, b.confirmed, b.queued])).toEqual([
      [4, 1, 2, 1],
      [3, 2, 1, 0],
      [1, 0, 1, 0],
    ])
    expect(result.buckets.map((b) => b.inlineTimeoutPct)).toEqual([25, expect.closeTo(200 / 3, 9), 0])
    expectPercentiles(result.buckets[0]!, [10, 20, 30, 1500])
    expectPercentiles(result.buckets[1]!, [1500, 1501, 5])
    expect(result.buckets[2]).toMatchObject({ p50: 7, p95: 7, p99: 7, maxMs: 7 })

    expect(result.totals).toMatchObject({
      runs: 8,
      timeouts: 3,
      confirmed: 4,
      queued: 1,
      inlineTimeoutPct: 37.5,
      maxMs: 1501,
    })
    expectPercentiles(result.totals, [10, 20, 30, 1500, 1500, 1501, 5, 7])
  })

  it('filters by restaurant and answers null timeout pct without runs', async () => {
    const b = await engine.analytics.inlinePercentiles({ ...window, restaurantId: restaurantB })
    expect(b.buckets.map((x) => x.runs)).toEqual([0, 0, 1])
    expect(b.buckets.map((x) => x.inlineTimeoutPct)).toEqual([null, null, 0])
    expect(b.totals).toMatchObject({ runs: 1, timeouts: 0, inlineTimeoutPct: 0, p50: 7 })

    const empty = await engine.analytics.inlinePercentiles({ from: at(1000), to: at(1600), bucketSeconds: 300 })
    expect(empty.totals).toMatchObject({ runs: 0, timeouts: 0, inlineTimeoutPct: null, p50: null })
    // 1000 s is not on a bucket boundary: the first bucket starts at 900 s and is partly outside
    expect(empty.buckets.map((x) => x.bucketStart.getTime())).toEqual(
      [at(900), at(1200), at(1500)].map((d) => d.getTime()),
    )
  })
})
