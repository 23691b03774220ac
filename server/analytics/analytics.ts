import type { DatabaseHandle } from '../db/client.ts'
import { createMetricCatalog, type MetricCatalog } from './metric-catalog.ts'
import { METRIC_DEFINITIONS } from './metric-definitions.ts'
import type { MetricQuery } from './metric-reader.ts'
import { runRollup, type RollupOptions, type RollupReport } from './rollups.ts'

export interface MetricComparison {
  name: string
  unit: string
  better: 'lower' | 'higher'
  baseline: { value: number | null; sampleSize: number }
  candidate: { value: number | null; sampleSize: number }
  /** candidate - baseline; null when either is null */
  change: number | null
  /** 100 * change / baseline; null when the baseline is 0 or null */
  changePct: number | null
  verdict: 'better' | 'worse' | 'same' | null
}

export interface Analytics extends MetricCatalog {
  /** one run of the rollup job (the scheduler's 'analytics.rollup' task) */
  rollup(now: Date, options?: RollupOptions): Promise<RollupReport>
  /** every metric (except the per-reason one) over a baseline and a candidate window */
  compare(input: {
    baseline: { from: Date; to: Date }
    candidate: { from: Date; to: Date }
    restaurantId?: string | null
    pipeline?: MetricQuery['pipeline']
  }): Promise<MetricComparison[]>
}

export interface AnalyticsOptions {
  /** raw events older than this are dropped once rolled up (ANALYTICS_RAW_RETENTION_DAYS) */
  retentionMs?: number | null
}

export function createAnalytics(database: DatabaseHandle, options: AnalyticsOptions = {}): Analytics {
  const catalog = createMetricCatalog(database)
  return {
    ...catalog,
    rollup: (now, rollupOptions) => runRollup(database, now, { retentionMs: options.retentionMs, ...rollupOptions }),
    async compare(input) {
      const names = METRIC_DEFINITIONS.filter((d) => !d.needsReason).map((d) => d.name)
      const common = { restaurantId: input.restaurantId ?? null, pipeline: input.pipeline }
      const bucket = (w: { from: Date; to: Date }) =>
        Math.max(60, Math.ceil((w.to.getTime() - w.from.getTime()) / 1000 / 86_400) * 86_400)
      const [baseline, candidate] = await Promise.all([
        catalog.readMany(names, { ...input.baseline, ...common, bucketSeconds: bucket(input.baseline) }),
        catalog.readMany(names, { ...input.candidate, ...common, bucketSeconds: bucket(input.candidate) }),
      ])
      return METRIC_DEFINITIONS.filter((d) => !d.needsReason).map((d) => {
        const b = baseline.get(d.name)!
        const c = candidate.get(d.name)!
        const change = b.value !== null && c.value !== null ? c.value - b.value : null
        const changePct = change !== null && b.value ? (100 * change) / Math.abs(b.value) : null
        const verdict =
          change === null
            ? null
            : Math.abs(change) < 1e-9
              ? 'same'
              : change < 0 === (d.better === 'lower')
                ? 'better'
                : 'worse'
        return {
          name: d.name,
          unit: d.unit,
          better: d.better,
          baseline: { value: b.value, sampleSize: b.sampleSize },
          candidate: { value: c.value, sampleSize: c.sampleSize },
          change,
          changePct,
          verdict,
        }
      })
    },
  }
}
