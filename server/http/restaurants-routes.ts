import { Router } from 'express'
import type { Engine } from '../engine.ts'

export function restaurantRoutes(engine: Engine): Router {
  const router = Router()
  router.put('/:slug', async (req, res, next) => {
    try {
      const restaurant = await engine.restaurants.putFloor(req.params.slug, req.body)
      res.status(200).json({ restaurant: { id: restaurant.id, slug: restaurant.slug } })
    } catch (error) {
      next(error)
    }
  })
  return router
}
