import { Router } from 'express'
import type { Engine } from '../engine.ts'

export function bookingRoutes(engine: Engine): Router {
  const router = Router()
  router.post('/', async (req, res, next) => {
    try {
      const answer = await engine.bookings.create(req.body)
      res.status(answer.status).json({ booking: answer.booking, autoAssign: answer.autoAssign })
    } catch (error) {
      next(error)
    }
  })
  router.get('/', async (req, res, next) => {
    try {
      res.json(await engine.bookings.list(req.query))
    } catch (error) {
      next(error)
    }
  })
  router.get('/:id', async (req, res, next) => {
    try {
      res.json({ booking: await engine.bookings.get(req.params.id) })
    } catch (error) {
      next(error)
    }
  })
  router.post('/:id/cancel', async (req, res, next) => {
    try {
      res.json({ booking: await engine.bookings.cancel(req.params.id) })
    } catch (error) {
      next(error)
    }
  })
  return router
}
