import { Router, type Response } from 'express'
import { z } from 'zod'
import { GRAINS } from '../analytics/queries/window.ts'
import type { Engine } from '../engine.ts'
import { isoInstant, parseQuery, restaurantIdOf } from './query-params.ts'

const slug = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/)
  .optional()
const common = {
  restaurant: slug,
  pipeline: z.enum(['legacy', 'v3']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
}
const metricQuery = z.object({
  ...common,
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  bucket: z.enum(['minute', 'hour', 'day']).optional(),
  reason: z
    .string()
    .regex(/^[A-Z_]{1,64}$/)
    .optional(),
})
const compareQuery = z.object({
  ...common,
  baselineFrom: isoInstant,
  baselineTo: isoInstant,
  candidateFrom: isoInstant,
  candidateTo: isoInstant,
})

const DAY_MS = 86_400_000

function csvField(value: string | number | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function sendCsv(res: Response, filename: string, header: string[], rows: Array<Array<string | number | null>>) {
  res.set('Content-Type', 'text/csv; charset=utf-8')
  res.set('Content-Disposition', `attachment; filename="${filename}"`)
  res.send([header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n')
}

/** GET /api/metrics, /api/metrics/compare, /api/metrics/:name (docs/api.md "Metrics"). */
export function metricsRoutes(engine: Engine): Router {
  const router = Router()

  router.get('/', (_req, res) => {
    res.json({ metrics: engine.analytics.list() })
  })

  router.get('/compare', async (req, res, next) => {
    try {
      const q = parseQuery(compareQuery, req.query)
      const restaurantId = await restaurantIdOf(engine, q.restaurant)
      const metrics = await engine.analytics.compare({
        baseline: { from: q.baselineFrom, to: q.baselineTo },
        candidate: { from: q.candidateFrom, to: q.candidateTo },
        restaurantId,
        pipeline: q.pipeline,
      })
      if (q.format === 'csv') {
        return sendCsv(
          res,
          'metrics-compare.csv',
          [
            'metric',
            'unit',
            'better',
            'baseline',
            'baseline_sample',
            'candidate',
            'candidate_sample',
            'change',
            'change_pct',
            'verdict',
          ],
          metrics.map((m) => [
            m.name,
            m.unit,
            m.better,
            m.baseline.value,
            m.baseline.sampleSize,
            m.candidate.value,
            m.candidate.sampleSize,
            m.change,
            m.changePct,
            m.verdict,
          ]),
        )
      }
      res.json({
        baseline: { from: q.baselineFrom.toISOString(), to: q.baselineTo.toISOString() },
        candidate: { from: q.candidateFrom.toISOString(), to: q.candidateTo.toISOString() },
        restaurant: q.restaurant ?? null,
        metrics,
      })
    } catch (error) {
      next(error)
    }
  })

  router.get('/:name', async (req, res, next) => {
    try {
      const q = parseQuery(metricQuery, req.query)
      const to = q.to ?? new Date()
      const from = q.from ?? new Date(to.getTime() - DAY_MS)
      const restaurantId = await restaurantIdOf(engine, q.restaurant)
      const result = await engine.analytics.readSeries(req.params.name, {
        from,
        to,
        restaurantId,
        pipeline: q.pipeline,
        reason: q.reason,
        bucketSeconds: q.bucket ? GRAINS[q.bucket] : undefined,
      })
      const series = result.series.map((p) => ({ at: p.at.toISOString(), value: p.value, sampleSize: p.sampleSize }))
      if (q.format === 'csv') {
        return sendCsv(
          res,
          `${result.name}.csv`,
          ['at', result.name, 'sample_size'],
          series.map((p) => [p.at, p.value, p.sampleSize]),
        )
      }
      res.json({ name: result.name, value: result.value, sampleSize: result.sampleSize, series })
    } catch (error) {
      next(error)
    }
  })

  return router
}
