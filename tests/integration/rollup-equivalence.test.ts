import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRIC_DEFINITIONS } from '../../server/analytics/metric-definitions.ts'
import type { MetricResult } from '../../server/analytics/metric-catalog.ts'
import { RETRY_DECISIONS } from '../../server/assignment/retry-decisions.ts'
import { seededRandom } from '../../server/sim/seeded-random.ts'
import { insertEvents, uuid, type TestEvent } from '../helpers/analytics-events.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

// Three days of random telemetry: every metric read from raw events must equal the same metric
// read after the rollup (hours for the older history, minutes for the recent part, raw for the
// open edge), for several windows and slices.
const END = Date.parse('2030-06-04T00:00:00.000Z')
const START = END - 3 * 86_400_000
const restaurants = [uuid(), uuid(), uuid()]

function history(): TestEvent[] {
  const random = seededRandom(42)
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!
  const events: TestEvent[] = []
  for (let i = 0; i < 1500; i++) {
    const occurredAt = new Date(START + Math.floor(random() * (END - START - 120_000)))
    const restaurantId = pick(restaurants)
    const bookingId = `00000000-0000-4000-8000-${String(Math.floor(random() * 400)).padStart(12, '0')}`
    const pipeline = random() < 0.2 ? 'v3' : 'legacy'
    const kind = Math.floor(random() * 6)
    const context =
      kind === 0
        ? {
            planner_duration_ms: Math.exp(random() * 5),
            success: random() < 0.7,
            reason: pick(['NO_AVAILABILITY', 'HOLD_CONFLICT']),
            trigger: pick(['inline', 'job']),
            cache_hit: random() < 0.3,
            pipeline,
            shadow: random() < 0.1,
          }
        : kind === 1
          ? { duration_ms: 10 + random() * 900, outcome: pick(['confirmed', 'queued', 'timeout']), pipeline }
          : kind === 2
            ? {
                result: pick(['succeeded', 'exhausted', 'already_confirmed']),
                attempts_used: 1 + Math.floor(random() * 5),
                total_duration_ms: random() * 5000,
              }
            : kind === 3
              ? { from: 'assignment_in_progress', to: pick(['manual_review', 'confirmed']), pipeline }
              : kind === 4
                ? { kind: 'confirmation' }
                : { party_size: 2 }
    const eventType = [
      'auto_assign.quote',
      'inline_auto_assign.finished',
      'auto_assign.summary',
      'booking.assignment_state_transition',
      'email.sent',
      'booking.created',
    ][kind]!
    events.push({ occurredAt, eventType, restaurantId, bookingId, context })
  }
  // retry policy v2 decisions (a random of their own, so the history above stays as it was)
  const decisions = seededRandom(7)
  for (let i = 0; i < 200; i++) {
    events.push({
      occurredAt: new Date(START + Math.floor(decisions() * (END - START - 120_000))),
      eventType: 'auto_assign.retry_decision',
      restaurantId: restaurants[Math.floor(decisions() * restaurants.length)]!,
      bookingId: null,
      context: {
        decision: RETRY_DECISIONS[Math.floor(decisions() * RETRY_DECISIONS.length)],
        policy: 'v2',
        attempt_number: 1 + Math.floor(decisions() * 3),
        reason: 'NO_AVAILABILITY',
        pipeline: 'legacy',
      },
    })
  }
  return events
}

const windows = [
  { from: new Date(START), to: new Date(END), bucketSeconds: 86_400 },
  { from: new Date(END - 86_400_000 + 17_000), to: new Date(END), bucketSeconds: 3_600 },
  { from: new Date(END - 7_200_000 - 30_000), to: new Date(END - 3_600_000 + 5_000), bucketSeconds: 60 },
]

const names = METRIC_DEFINITIONS.filter((d) => !d.needsReason && d.series.length > 0).map((d) => d.name)

function normalise(results: Map<string, MetricResult>) {
  const round = (v: number | null) => (v === null ? null : Number(v.toPrecision(10)))
  return Object.fromEntries(
    [...results].map(([name, r]) => [
      name,
      { value: round(r.value), n: r.sampleSize, series: r.series.map((p) => [round(p.value), p.sampleSize]) },
    ]),
  )
}

describe('rollups equal raw aggregation', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    await insertEvents(engine, history())
  }, 60_000)
  afterAll(() => engine?.dispose())

  it('gives the same values for every metric, window and slice', async () => {
    const slices = [
      {},
      { restaurantId: restaurants[0] },
      { pipeline: 'v3' as const },
      { restaurantId: restaurants[1], pipeline: 'legacy' as const },
    ]
    const before = []
    for (const w of windows)
      for (const slice of slices) before.push(normalise(await engine.analytics.readMany(names, { ...w, ...slice })))

    // the older two days go straight into hours, the last day into minutes
    const report = await engine.analytics.rollup(new Date(END + 60_000), {
      minuteRetentionMs: 86_400_000,
      maxChunks: 500,
    })
    expect(report.rolledUntil!.getTime()).toBe(END)
    await new Promise((resolve) => setTimeout(resolve, 1_100)) // the catalogue caches marks for a second

    let i = 0
    for (const w of windows)
      for (const slice of slices)
        expect(
          normalise(await engine.analytics.readMany(names, { ...w, ...slice })),
          JSON.stringify({ w, slice }),
        ).toEqual(before[i++])
    const grains = await engine.database.executeSql(
      `select grain, min(bucket_start) as first from observability_rollups group by grain order by grain`,
    )
    expect(grains.rows.map((r) => r.grain)).toEqual(['day', 'hour', 'minute'])
  }, 120_000)
})
