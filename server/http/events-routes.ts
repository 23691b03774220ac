import { Router } from 'express'
import type { Engine } from '../engine.ts'
import { queryEvents } from '../observability/event-query.ts'

export function eventRoutes(engine: Engine): Router {
  const router = Router()
  router.get('/', async (req, res, next) => {
    try {
      res.json({ events: await queryEvents(engine.db, req.query) })
    } catch (error) {
      next(error)
    }
  })
  return router
}
