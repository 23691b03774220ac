import { Router } from 'express'
import { z } from 'zod'
import type { Engine } from '../engine.ts'
import { AppError, notFound } from '../errors.ts'
import type { ReviewActor } from '../review/review-types.ts'

// Systems act through the API token: there is no person, so the actor is the API itself.
const API_ACTOR: ReviewActor = { userId: null, name: 'API', id: 'api' }

const listQuery = z.object({ restaurant: z.string().trim().min(1).max(100).optional() })
const uuid = z.string().uuid()

function bookingId(raw: string): string {
  if (!uuid.safeParse(raw).success) throw notFound(`Booking ${raw}`)
  return raw
}

function body(req: { body: unknown }): Record<string, unknown> {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) return req.body as Record<string, unknown>
  return {}
}

/** docs/api.md manual review: list, detail, seat, retry (202), cancel. */
export function reviewRoutes(engine: Engine): Router {
  const router = Router()
  router.get('/', async (req, res, next) => {
    try {
      const query = listQuery.safeParse(req.query)
      if (!query.success) {
        throw new AppError('VALIDATION_FAILED', 'The query is not valid; see issues', 400, query.error.issues)
      }
      res.json({ bookings: await engine.review.queue({ restaurantSlug: query.data.restaurant }) })
    } catch (error) {
      next(error)
    }
  })
  router.get('/:bookingId', async (req, res, next) => {
    try {
      const detail = await engine.review.detail(bookingId(req.params.bookingId))
      if (!detail) throw notFound(`Booking ${req.params.bookingId}`)
      res.json({
        booking: detail.booking,
        suggestions: detail.suggestions.map((s) => ({
          id: s.id,
          tables: s.tables,
          zone: s.zone,
          capacity: s.capacity,
          relaxed: s.relaxed,
          startAt: s.startAt,
          label: s.label,
          fit: s.fit,
          ...(s.reseat ? { reseat: s.reseat } : {}),
        })),
        tables: detail.tables.map((t) => ({
          key: t.key,
          zone: t.zone,
          capacity: t.capacity,
          free: t.free,
          state: t.state,
          busyUntil: t.busyUntil,
          ...(t.why ? { why: t.why } : {}),
        })),
        inReview: detail.inReview,
        timeline: detail.timeline,
      })
    } catch (error) {
      next(error)
    }
  })
  router.post('/:bookingId/seat', async (req, res, next) => {
    try {
      const input = body(req)
      const outcome = await engine.review.seat({
        bookingId: bookingId(req.params.bookingId),
        tables: input.tables as string[],
        expectedVersion: input.expectedVersion as number,
        startAt: input.startAt as string | undefined,
        suggestion: input.suggestion as string | undefined,
        actor: API_ACTOR,
      })
      res.json({ booking: outcome.booking })
    } catch (error) {
      next(error)
    }
  })
  router.post('/:bookingId/retry', async (req, res, next) => {
    try {
      const input = body(req)
      const outcome = await engine.review.retry({
        bookingId: bookingId(req.params.bookingId),
        expectedVersion: input.expectedVersion as number,
        actor: API_ACTOR,
      })
      res.status(202).json(outcome)
    } catch (error) {
      next(error)
    }
  })
  router.post('/:bookingId/cancel', async (req, res, next) => {
    try {
      const input = body(req)
      const booking = await engine.review.cancel({
        bookingId: bookingId(req.params.bookingId),
        expectedVersion: input.expectedVersion as number,
        reason: input.reason as string,
        actor: API_ACTOR,
      })
      res.json({ booking })
    } catch (error) {
      next(error)
    }
  })
  return router
}
