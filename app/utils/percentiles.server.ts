import type { AppLoadContext } from '@remix-run/node'
import type { MetricResult } from '../../server/analytics/metric-catalog.ts'
import { resolveRange } from './dashboard-filters.ts'
import type { PercentilesFilters } from './percentiles-filters.ts'

export interface PlannerLatency {
  count: number
  cacheHitPct: number | null
  p50: number | null
  p90: number | null
  p95: number | null
  p99: number | null
  maxMs: number | null
}
export interface InlineLatency {
  runs: number
  timeouts: number
  confirmed: number
  p50: number | null
  p95: number | null
  p99: number | null
  maxMs: number | null
  inlineTimeoutPct: number | null
}

/** What the /percentiles page and /resources/percentiles answer: plain JSON (times as epoch ms). */
export interface PercentilesPayload {
  filters: PercentilesFilters
  /** the slug asked for when no restaurant has it (the data then covers every restaurant) */
  unknownRestaurant: string | null
  restaurants: Array<{ slug: string; name: string }>
  range: { from: number; to: number; bucketSeconds: number }
  planner: { totals: PlannerLatency; buckets: Array<Record<keyof PlannerLatency, number | null> & { t: number }> }
  inline: { totals: InlineLatency; buckets: Array<Record<keyof InlineLatency, number | null> & { t: number }> }
  generatedAt: number
}

const PLANNER = {
  p50: 'planner_duration_p50',
  p90: 'planner_duration_p90',
  p95: 'planner_duration_p95',
  p99: 'planner_duration_p99',
  maxMs: 'planner_duration_max',
  count: 'planner_calls',
  cacheHitPct: 'planner_cache_hit_pct',
} as const
const INLINE = {
  p50: 'inline_duration_p50',
  p95: 'inline_duration_p95',
  p99: 'inline_duration_p99',
  maxMs: 'inline_duration_max',
  runs: 'inline_runs',
  timeouts: 'inline_timeout_count',
  confirmed: 'inline_confirmed_count',
  inlineTimeoutPct: 'inline_timeout_pct',
} as const

/** Reads named catalogue metrics into one object per bucket and one for the whole window. */
function shape<K extends string>(results: Map<string, MetricResult>, names: Record<K, string>) {
  const keys = Object.keys(names) as K[]
  const first = results.get(names[keys[0]!])!
  const totals = Object.fromEntries(keys.map((k) => [k, results.get(names[k])!.value])) as Record<K, number | null>
  const buckets = first.series.map((point, i) => ({
    t: point.at.getTime(),
    ...(Object.fromEntries(keys.map((k) => [k, results.get(names[k])!.series[i]!.value])) as Record<K, number | null>),
  }))
  return { totals, buckets }
}

export async function loadPercentiles(
  context: AppLoadContext,
  filters: PercentilesFilters,
  now: Date = new Date(),
): Promise<PercentilesPayload> {
  const { engine } = context
  const restaurants = await engine.restaurants.list()
  const restaurant = filters.restaurant ? restaurants.find((r) => r.slug === filters.restaurant) : undefined
  const range = resolveRange(filters, now)
  const query = {
    ...range,
    restaurantId: restaurant?.id ?? null,
    pipeline: filters.pipeline || undefined,
  }
  const [planner, inline] = await Promise.all([
    engine.analytics.readMany(Object.values(PLANNER), {
      ...query,
      trigger: filters.trigger === 'all' ? undefined : filters.trigger,
    }),
    engine.analytics.readMany(Object.values(INLINE), query),
  ])
  const plannerShape = shape(planner, PLANNER)
  const inlineShape = shape(inline, INLINE)
  return {
    filters: restaurant || !filters.restaurant ? filters : { ...filters, restaurant: '' },
    unknownRestaurant: filters.restaurant && !restaurant ? filters.restaurant : null,
    restaurants: restaurants.map((r) => ({ slug: r.slug, name: r.name })),
    range: { from: range.from.getTime(), to: range.to.getTime(), bucketSeconds: range.bucketSeconds },
    planner: {
      totals: { ...plannerShape.totals, count: plannerShape.totals.count ?? 0 },
      buckets: plannerShape.buckets,
    },
    inline: {
      totals: {
        ...inlineShape.totals,
        runs: inlineShape.totals.runs ?? 0,
        timeouts: inlineShape.totals.timeouts ?? 0,
        confirmed: inlineShape.totals.confirmed ?? 0,
      },
      buckets: inlineShape.buckets,
    },
    generatedAt: now.getTime(),
  }
}
