import express, { type RequestHandler } from 'express'
import compression from 'compression'
import type { Engine } from '../engine.ts'
import { requireApiToken } from './api-auth.ts'
import { apiErrorHandler, sendError } from './errors.ts'
import { restaurantRoutes } from './restaurants-routes.ts'
import { bookingRoutes } from './bookings-routes.ts'
import { eventRoutes } from './events-routes.ts'
import { flagRoutes } from './flags-routes.ts'
import { rampRoutes } from './ramps-routes.ts'

export interface HttpAppOptions {
  /** the Remix request handler (pages); absent in API-only tests */
  pages?: RequestHandler
  /** mounted before the pages, e.g. Vite dev middleware or static assets */
  beforePages?: RequestHandler[]
}

export function createHttpApp(engine: Engine, options: HttpAppOptions = {}) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', true)
  // only answers worth compressing: pages, assets and listings; a booking's 201 is a few hundred
  // bytes, and wrapping every write of it cost measurable CPU at hundreds of bookings per second
  const compress = compression()
  app.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? compress(req, res, next) : next()))

  app.get('/healthz', async (_req, res) => {
    if (engine.isClosing()) return res.status(503).json({ ok: false, reason: 'shutting down' })
    try {
      await engine.database.executeSql('select 1')
      res.json({ ok: true })
    } catch (error) {
      res.status(503).json({ ok: false, reason: `database: ${(error as Error).message}` })
    }
  })

  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', engine.metrics.registry.contentType)
    res.send(await engine.metrics.registry.metrics())
  })

  const api = express.Router()
  api.use((req, res, next) => {
    res.on('finish', () => {
      const route = `${req.baseUrl}${req.route?.path ?? ''}` || 'unmatched'
      engine.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) })
    })
    next()
  })
  api.use(requireApiToken(engine.config.apiToken))
  api.use(express.json({ limit: '1mb', type: () => true }))
  api.use('/restaurants', restaurantRoutes(engine))
  api.use('/bookings', bookingRoutes(engine))
  api.use('/events', eventRoutes(engine))
  api.use('/flags', flagRoutes(engine))
  api.use('/ramps', rampRoutes(engine))
  api.use((req, res) => sendError(res, 404, 'NOT_FOUND', `No API route for ${req.method} ${req.path}`))
  api.use(apiErrorHandler)
  app.use('/api', api)

  for (const middleware of options.beforePages ?? []) app.use(middleware)
  if (options.pages) app.all('*', options.pages)
  return app
}
