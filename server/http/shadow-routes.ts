import { Router } from 'express'
import type { Engine } from '../engine.ts'

/** GET /api/shadow (docs/api.md): the shadow summary and the newest comparisons. */
export function shadowRoutes(engine: Engine): Router {
  const router = Router()
  router.get('/', async (req, res, next) => {
    try {
      res.json(await engine.v3.report.api(req.query))
    } catch (error) {
      next(error)
    }
  })
  return router
}
