import { Router } from 'express'
import { z } from 'zod'
import type { Engine } from '../engine.ts'
import { AppError } from '../errors.ts'
import { isoInstant, parseQuery } from './query-params.ts'

const updateBody = z
  .object({
    enabled: z.boolean().optional(),
    threshold: z.number().finite().optional(),
    forMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .optional(),
  })
  .strict()

const historyQuery = z.object({
  since: isoInstant.optional(),
  key: z
    .string()
    .regex(/^[a-z0-9_]{3,64}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

/** GET /api/alerts, GET /api/alerts/history, PUT /api/alerts/:key (docs/api.md "Alerts"). */
export function alertsRoutes(engine: Engine): Router {
  const router = Router()

  router.get('/', async (_req, res, next) => {
    try {
      res.json({ alerts: await engine.alerts.list() })
    } catch (error) {
      next(error)
    }
  })

  router.get('/history', async (req, res, next) => {
    try {
      const q = parseQuery(historyQuery, req.query)
      res.json({ transitions: await engine.alerts.history(q) })
    } catch (error) {
      next(error)
    }
  })

  router.put('/:key', async (req, res, next) => {
    try {
      const parsed = updateBody.safeParse(req.body)
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', 'The body is not valid; see issues', 400, parsed.error.issues)
      res.json({ alert: await engine.alerts.update(req.params.key, parsed.data, 'api') })
    } catch (error) {
      next(error)
    }
  })

  return router
}
