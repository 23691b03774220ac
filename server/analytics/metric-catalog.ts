import { z } from 'zod'
import type { DatabaseHandle } from '../db/client.ts'
import { readRollupMarks } from '../db/queries/rollup-marks.ts'
import { AppError } from '../errors.ts'
import { addRow, emptyAggregate, mergeAggregate, type SeriesAggregate } from './aggregate.ts'
import { planCover } from './cover.ts'
import {
  METRIC_DEFINITIONS,
  METRICS_BY_NAME,
  sqlFilesOf,
  type CatalogQuery,
  type MetricDefinition,
} from './metric-definitions.ts'
import type { MetricQuery, MetricReader, MetricReading } from './metric-reader.ts'
import { breakerOpen } from './queries/breaker-open.ts'
import { rawFactsQuery } from './queries/raw-facts.ts'
import { rollupRead } from './queries/rollup-read.ts'
import { GRAINS, MAX_BUCKETS } from './queries/window.ts'
import type { SeriesName } from './series.ts'

export interface MetricSeriesQuery extends CatalogQuery {
  /** size of each series point; default: minute up to 3 h, hour up to 3 days, else day */
  bucketSeconds?: number
}

export interface MetricPoint {
  at: Date
  value: number | null
  sampleSize: number
}

export interface MetricResult extends MetricReading {
  name: string
  series: MetricPoint[]
}

export interface MetricInfo {
  name: string
  description: string
  unit: MetricDefinition['unit']
  better: MetricDefinition['better']
  sqlFiles: string[]
  needsReason: boolean
}

export const metricQuerySchema = z
  .object({
    from: z.date(),
    to: z.date(),
    restaurantId: z.string().uuid().nullable().optional(),
    pipeline: z.enum(['legacy', 'v3']).optional(),
    reason: z.string().min(1).max(64).optional(),
    trigger: z.string().min(1).max(32).optional(),
    bucketSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .optional(),
  })
  .superRefine((q, ctx) => {
    const seconds = (q.to.getTime() - q.from.getTime()) / 1000
    if (!(seconds > 0)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' })
    else if (q.bucketSeconds && seconds / q.bucketSeconds > MAX_BUCKETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['bucket'],
        message: `the window holds more than ${MAX_BUCKETS} buckets; use a larger bucket`,
      })
    }
  })

export function defaultBucketSeconds(from: Date, to: Date): number {
  const seconds = (to.getTime() - from.getTime()) / 1000
  if (seconds <= 3 * 3_600) return GRAINS.minute
  if (seconds <= 3 * 86_400) return GRAINS.hour
  return GRAINS.day
}

export interface MetricCatalog extends MetricReader {
  list(): MetricInfo[]
  has(name: string): boolean
  /** one metric with its series */
  readSeries(name: string, query: MetricSeriesQuery): Promise<MetricResult>
  /** several metrics over one window, each series read once: what page loaders use */
  readMany(names: readonly string[], query: MetricSeriesQuery): Promise<Map<string, MetricResult>>
  /** the per-bucket aggregates of some series (pages that chart labels: reasons, job results) */
  readAggregates(
    series: readonly SeriesName[],
    query: MetricSeriesQuery,
  ): Promise<{
    buckets: Array<{ at: Date; series: Map<SeriesName, SeriesAggregate> }>
    total: Map<SeriesName, SeriesAggregate>
  }>
}

/**
 * The one catalogue behind dashboards, guardrails, alerts and exports. Each metric is computed
 * from series aggregates; closed minutes come from the rollups (days, then hours, then minutes
 * where they fit the bucket) and only what the rollups do not cover yet (the open minute, window
 * edges inside a minute) from raw events, through the same facts SQL. See docs/metrics.md.
 */
export function createMetricCatalog(database: DatabaseHandle): MetricCatalog {
  function definitionOf(name: string, query: MetricQuery): MetricDefinition {
    const definition = METRICS_BY_NAME.get(name)
    if (!definition)
      throw new AppError('UNKNOWN_METRIC', `There is no metric "${name}"; GET /api/metrics lists them`, 404)
    if (definition.needsReason && !query.reason)
      throw new AppError('REASON_REQUIRED', `${name} needs a reason code (&reason=NO_AVAILABILITY, ...)`, 400)
    return definition
  }

  function parseQuery(query: MetricSeriesQuery): MetricSeriesQuery & { bucketSeconds: number } {
    const parsed = metricQuerySchema.safeParse(query)
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', 'The metric query is not valid; see issues', 400, parsed.error.issues)
    return { ...parsed.data, bucketSeconds: parsed.data.bucketSeconds ?? defaultBucketSeconds(query.from, query.to) }
  }

  async function readAggregates(series: readonly SeriesName[], input: MetricSeriesQuery) {
    const query = parseQuery(input)
    const size = query.bucketSeconds * 1000
    const first = Math.floor(query.from.getTime() / size) * size
    const buckets: Array<{ at: Date; series: Map<SeriesName, SeriesAggregate> }> = []
    for (let at = first; at < query.to.getTime(); at += size) buckets.push({ at: new Date(at), series: new Map() })
    const total = new Map<SeriesName, SeriesAggregate>(series.map((s) => [s, emptyAggregate()]))
    if (series.length === 0) return { buckets, total }

    const marks = await readRollupMarks(database.db)
    const plan = planCover(query.from, query.to, marks, query.bucketSeconds)
    const add = (name: SeriesName, bucketStart: Date, row: Parameters<typeof addRow>[1]) => {
      const index = Math.floor((bucketStart.getTime() - first) / size)
      const bucket = buckets[index]
      if (!bucket) return
      let aggregate = bucket.series.get(name)
      if (!aggregate) {
        aggregate = emptyAggregate()
        bucket.series.set(name, aggregate)
      }
      addRow(aggregate, row)
    }
    const reads: Array<Promise<void>> = []
    if (plan.rollup.length > 0) {
      reads.push(
        rollupRead
          .run(database, {
            series: [...series],
            restaurantKey: query.restaurantId ?? '*',
            pipelineKey: query.pipeline ?? '*',
            ranges: plan.rollup,
          })
          .then((rows) => rows.forEach((row) => add(row.series as SeriesName, row.bucket_start, row))),
      )
    }
    for (const range of plan.raw) {
      for (const name of series) {
        reads.push(
          rawFactsQuery(name)
            .run(database, {
              from: range.start,
              to: range.end,
              restaurantId: query.restaurantId ?? null,
              pipeline: query.pipeline ?? null,
            })
            .then((rows) => rows.forEach((row) => add(name, row.bucket_start, row))),
        )
      }
    }
    await Promise.all(reads)
    for (const bucket of buckets) {
      for (const [name, aggregate] of bucket.series) mergeAggregate(total.get(name)!, aggregate)
    }
    return { buckets, total }
  }

  async function readMany(names: readonly string[], input: MetricSeriesQuery): Promise<Map<string, MetricResult>> {
    const definitions = names.map((name) => definitionOf(name, input))
    const query = parseQuery(input)
    const series = [...new Set(definitions.flatMap((d) => d.series))]
    const needsBreaker = definitions.some((d) => d.name === 'breaker_open_seconds')
    const [aggregates, breaker] = await Promise.all([
      readAggregates(series, query),
      needsBreaker
        ? breakerOpen.run(database, {
            from: query.from,
            to: query.to,
            restaurantId: query.restaurantId ?? null,
            bucketSeconds: query.bucketSeconds,
          })
        : Promise.resolve([]),
    ])
    const results = new Map<string, MetricResult>()
    for (const definition of definitions) {
      if (definition.name === 'breaker_open_seconds') {
        const points = aggregates.buckets.map((bucket) => {
          const row = breaker.find((r) => r.bucket_start.getTime() === bucket.at.getTime())
          return { at: bucket.at, value: row?.open_seconds ?? 0, sampleSize: row?.stretches ?? 0 }
        })
        const value = points.reduce((sum, p) => sum + (p.value ?? 0), 0)
        results.set(definition.name, {
          name: definition.name,
          value,
          sampleSize: Math.max(0, ...points.map((p) => p.sampleSize)),
          series: points,
        })
        continue
      }
      const empty = emptyAggregate()
      const points = aggregates.buckets.map((bucket) => ({
        at: bucket.at,
        ...definition.compute((s) => bucket.series.get(s) ?? empty, query),
      }))
      const overall = definition.compute((s) => aggregates.total.get(s) ?? empty, query)
      results.set(definition.name, { name: definition.name, ...overall, series: points })
    }
    return results
  }

  return {
    list: () =>
      METRIC_DEFINITIONS.map((d) => ({
        name: d.name,
        description: d.description,
        unit: d.unit,
        better: d.better,
        sqlFiles: sqlFilesOf(d),
        needsReason: d.needsReason ?? false,
      })),
    has: (name) => METRICS_BY_NAME.has(name),
    async read(name, query) {
      // no series wanted: day buckets let the longest grains serve the window
      const result = (await readMany([name], { ...query, bucketSeconds: coarsestBucket(query) })).get(name)!
      return { value: result.value, sampleSize: result.sampleSize }
    },
    async readSeries(name, query) {
      return (await readMany([name], query)).get(name)!
    },
    readMany,
    readAggregates,
  }
}

/** A bucket size that keeps a plain read under MAX_BUCKETS and lets day rollups serve it. */
function coarsestBucket(query: MetricQuery): number {
  const seconds = (query.to.getTime() - query.from.getTime()) / 1000
  const days = Math.max(1, Math.ceil(seconds / 86_400 / MAX_BUCKETS))
  return Math.min(30, days) * 86_400
}
