import { Router } from 'express'
import type { Engine } from '../engine.ts'
import { restaurantSummaries, storedFloor } from '../db/queries/restaurant-floors.ts'
import { AppError } from '../errors.ts'
import { exportFloor } from '../restaurants/floor-export.ts'
import { slugSchema } from '../restaurants/floor-schema.ts'

export function restaurantRoutes(engine: Engine): Router {
  const router = Router()
  router.get('/', async (_req, res, next) => {
    try {
      res.json({ restaurants: await restaurantSummaries(engine.db) })
    } catch (error) {
      next(error)
    }
  })
  router.get('/:slug', async (req, res, next) => {
    try {
      const slug = slugSchema.safeParse(req.params.slug)
      const stored = slug.success ? await storedFloor(engine.db, slug.data) : undefined
      if (!stored) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${req.params.slug}"`, 404)
      res.json(exportFloor(stored))
    } catch (error) {
      next(error)
    }
  })
  router.put('/:slug', async (req, res, next) => {
    try {
      const restaurant = await engine.restaurants.putFloor(req.params.slug, req.body)
      res.status(200).json({ restaurant: { id: restaurant.id, slug: restaurant.slug } })
    } catch (error) {
      next(error)
    }
  })
  // peak pacing (docs/decisions/023): the rule is data, the flag assignment.peak_pacing turns it on
  router.get('/:slug/pacing', async (req, res, next) => {
    try {
      res.json({ pacing: await engine.restaurants.getPacing(req.params.slug) })
    } catch (error) {
      next(error)
    }
  })
  router.put('/:slug/pacing', async (req, res, next) => {
    try {
      res.json({ pacing: await engine.restaurants.putPacing(req.params.slug, req.body) })
    } catch (error) {
      next(error)
    }
  })
  router.delete('/:slug/pacing', async (req, res, next) => {
    try {
      res.json({ deleted: await engine.restaurants.deletePacing(req.params.slug) })
    } catch (error) {
      next(error)
    }
  })
  return router
}
