import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRIC_NAMES } from '../../server/analytics/metric-definitions.ts'

import { insertEvents, uuid, type TestEvent } from '../helpers/analytics-events.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

// A small known history; every expected value below is computed by hand from it. Percentiles are
// nearest-rank and read from a 1 % sketch, so they are compared with a 1 % tolerance.
const T0 = Date.parse('2030-01-01T10:00:00.000Z')
const at = (minute: number, second = 0) => new Date(T0 + minute * 60_000 + second * 1000)
const A = uuid()
const B = uuid()
const [b1, b2, b3, b4] = [uuid(), uuid(), uuid(), uuid()]

const quote = (minute: number, restaurantId: string, bookingId: string, ms: number, extra: object = {}): TestEvent => ({
  occurredAt: at(minute, 10),
  eventType: 'auto_assign.quote',
  restaurantId,
  bookingId,
  context: { planner_duration_ms: ms, success: true, reason: null, trigger: 'inline', cache_hit: false, ...extra },
})
const event = (
  minute: number,
  eventType: string,
  context: object,
  restaurantId = A,
  bookingId: string | null = null,
) => ({
  occurredAt: at(minute, 20),
  eventType,
  restaurantId,
  bookingId,
  context: context as Record<string, unknown>,
})

const history: TestEvent[] = [
  quote(0, A, b1, 10),
  quote(1, A, b1, 20, { cache_hit: true, trigger: 'job' }),
  quote(2, A, b2, 40, { success: false, reason: 'NO_AVAILABILITY' }),
  quote(61, B, b3, 5, { pipeline: 'v3', success: false, reason: 'ADJACENCY_UNSATISFIED' }),
  quote(3, A, b4, 1000, { shadow: true }), // shadow work: never counted
  event(0, 'inline_auto_assign.finished', { duration_ms: 100, outcome: 'confirmed', timed_out: false }),
  event(1, 'inline_auto_assign.finished', { duration_ms: 2000, outcome: 'timeout', timed_out: true }),
  event(62, 'inline_auto_assign.finished', { duration_ms: 300, outcome: 'queued', timed_out: false }, B),
  event(5, 'auto_assign.summary', { result: 'succeeded', attempts_used: 1, total_duration_ms: 500 }),
  event(6, 'auto_assign.summary', { result: 'succeeded', attempts_used: 3, total_duration_ms: 1500 }),
  event(7, 'auto_assign.summary', { result: 'exhausted', attempts_used: 5, total_duration_ms: 9000 }),
  event(8, 'auto_assign.summary', { result: 'already_confirmed', attempts_used: 0, total_duration_ms: 3 }),
  event(7, 'auto_assign.failed', { reason: 'NO_AVAILABILITY' }),
  event(65, 'auto_assign.failed', { reason: 'HOLD_CONFLICT' }, B),
  ...[0, 0, 1, 61].map((m) => event(m, 'booking.created', { party_size: 2 })),
  ...[0, 5, 6].map((m) => event(m, 'booking.confirmed', {})),
  event(7, 'booking.assignment_state_transition', { from: 'assignment_in_progress', to: 'manual_review' }),
  event(9, 'coordinator.finished', { outcome: 'confirmed', duration_ms: 200, lock_wait_ms: 10, pipeline: 'v3' }),
  event(9, 'coordinator.finished', { outcome: 'error', duration_ms: 400, lock_wait_ms: 30, pipeline: 'v3' }),
  ...[true, true, true, false].map((match) => event(10, 'shadow.compared', { match })),
  event(11, 'email.sent', { kind: 'confirmation' }, A, b1),
  event(70, 'email.sent', { kind: 'confirmation' }, A, b1), // a second confirmation, an hour later
  event(12, 'email.sent', { kind: 'confirmation' }, A, b2),
  event(10, 'breaker.opened', {}),
  event(15, 'breaker.closed', {}),
  // two ramps rolled back: one by the runner (a guardrail stayed breached), one by a person
  event(20, 'flag.ramp_rolled_back', { flag: 'assignment.pipeline_v3', actor: 'system:ramp-runner', automatic: true }),
  event(21, 'flag.ramp_rolled_back', {
    flag: 'assignment.pipeline_v3',
    actor: 'user:eng@example.test',
    automatic: false,
  }),
  // retry policy v2 decisions: two skipped first attempts, one relaxed, one hard stop (and one of shadow work)
  ...[30, 31].map((m) =>
    event(m, 'auto_assign.retry_decision', { decision: 'skip_first_attempt', policy: 'v2', attempt_number: 1 }),
  ),
  event(32, 'auto_assign.retry_decision', { decision: 'relax_after_timeout', policy: 'v2', attempt_number: 1 }),
  event(33, 'auto_assign.retry_decision', { decision: 'stop_on_hard_reason', policy: 'v2', attempt_number: 2 }),
  event(34, 'auto_assign.retry_decision', { decision: 'skip_first_attempt', policy: 'v2', shadow: true }),
]

const WINDOW = { from: at(0), to: at(120) }
const EXPECTED: Record<string, number | null> = {
  planner_duration_p50: 10, // of [5, 10, 20, 40]: the 2nd
  planner_duration_p90: 40,
  planner_duration_p95: 40,
  planner_duration_p99: 40,
  planner_calls_per_booking: 4 / 3, // b1 twice, b2, b3
  planner_cache_hit_pct: 25,
  inline_duration_p95: 2000,
  inline_timeout_pct: 100 / 3,
  inline_timeout_count: 1,
  job_attempts_sample_size: 4,
  job_success_rate: (100 * 2) / 3, // already_confirmed is not counted
  avg_attempts: 9 / 4,
  attempts_p95: 5,
  time_to_success_p95: 1500,
  job_failed_count: 2,
  manual_review_share: 25,
  confirmation_rate: 75,
  coordinator_success_rate: 50,
  coordinator_error_rate: 50,
  coordinator_latency_p95: 400,
  lock_wait_p95: 30,
  breaker_open_seconds: 300,
  shadow_match_rate: 75,
  duplicate_confirmation_emails: 1,
  ramp_auto_rollback_count: 1, // the person's rollback is not an alert
  retry_v2_skipped_count: 2, // of 4 decisions; the shadow one is not counted
}

function expectClose(actual: number | null, expected: number | null, name: string) {
  if (expected === null) return expect(actual, name).toBeNull()
  expect(actual, name).not.toBeNull()
  expect(Math.abs(actual! - expected), `${name}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    Math.abs(expected) * 0.01 + 1e-9,
  )
}

describe('metric catalogue', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    await insertEvents(engine, history)
  }, 60_000)
  afterAll(() => engine?.dispose())

  const checkAll = async () => {
    for (const [name, expected] of Object.entries(EXPECTED)) {
      expectClose((await engine.analytics.read(name, WINDOW)).value, expected, name)
    }
    expectClose(
      (await engine.analytics.read('reason_share_pct', { ...WINDOW, reason: 'NO_AVAILABILITY' })).value,
      50,
      'reason share',
    )
  }

  it('computes every contract metric from raw events as hand-computed', checkAll)

  it('counts a breaker as open only while it was: no stretch, no seconds', async () => {
    const quiet = await engine.analytics.read('breaker_open_seconds', { from: at(30), to: at(120) })
    expect(quiet.value).toBe(0)
    const byMinute = await engine.analytics.readSeries('breaker_open_seconds', { ...WINDOW, bucketSeconds: 60 })
    const total = byMinute.series.reduce((sum, point) => sum + (point.value ?? 0), 0)
    expectClose(total, 300, 'breaker seconds summed over minutes')
  })

  it('filters by restaurant and pipeline', async () => {
    const onlyA = { ...WINDOW, restaurantId: A }
    expectClose((await engine.analytics.read('planner_calls_per_booking', onlyA)).value, 3 / 2, 'calls A')
    expectClose((await engine.analytics.read('planner_duration_p99', onlyA)).value, 40, 'p99 A')
    const v3 = { ...WINDOW, pipeline: 'v3' as const }
    expect((await engine.analytics.read('planner_duration_p50', v3)).sampleSize).toBe(1)
    expectClose((await engine.analytics.read('planner_duration_p50', v3)).value, 5, 'p50 v3')
    expect((await engine.analytics.read('inline_timeout_pct', { ...WINDOW, restaurantId: B })).value).toBe(0)
  })

  it('gives the same values from rollups as from raw events, and series per hour', async () => {
    const report = await engine.analytics.rollup(new Date(T0 + 3 * 3_600_000))
    expect(report.minutesRolled).toBeGreaterThanOrEqual(120)
    await checkAll()
    const hourly = await engine.analytics.readSeries('job_failed_count', { ...WINDOW, bucketSeconds: 3600 })
    expect(hourly.series.map((p) => p.value)).toEqual([1, 1])
    const created = await engine.analytics.readSeries('bookings_created', { ...WINDOW, bucketSeconds: 60 })
    expect(created.series).toHaveLength(120)
    expect(created.series[0]).toMatchObject({ value: 2 })
    expect(created.series[61]).toMatchObject({ value: 1 })
  })

  it('rejects unknown metrics and bad windows with a 4xx', async () => {
    await expect(engine.analytics.read('nope', WINDOW)).rejects.toMatchObject({ code: 'UNKNOWN_METRIC', status: 404 })
    await expect(engine.analytics.read('reason_share_pct', WINDOW)).rejects.toMatchObject({ status: 400 })
    await expect(engine.analytics.read('avg_attempts', { from: WINDOW.to, to: WINDOW.from })).rejects.toMatchObject({
      status: 400,
    })
  })

  it('lists every metric with unit and direction', () => {
    const names = engine.analytics.list().map((m) => m.name)
    expect(names).toEqual(METRIC_NAMES)
    for (const name of Object.keys(EXPECTED)) expect(names).toContain(name)
    expect(names).toContain('review_wait_p95')
    expect(names).toContain('reason_share_pct')
  })
})
