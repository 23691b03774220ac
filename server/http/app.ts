import express, { type RequestHandler } from 'express'
import compression from 'compression'
import type { Engine } from '../engine.ts'
import { requireApiToken, requireBearerToken } from './api-auth.ts'
import { apiErrorHandler, sendError } from './errors.ts'
import { refuseCrossSiteRequests, refuseLegacyDataRequests } from './cross-site.ts'
import { refuseImpossibleInput, refuseImpossibleUrl } from './input-guard.ts'
import { routeLabel } from './route-label.ts'
import { securityHeaders } from './security-headers.ts'
import { restaurantRoutes } from './restaurants-routes.ts'
import { bookingRoutes } from './bookings-routes.ts'
import { eventRoutes } from './events-routes.ts'
import { healthCheck } from './health.ts'
import { requestLog } from './request-log.ts'
import { shadowRoutes } from './shadow-routes.ts'
import { reviewRoutes } from './review-routes.ts'
import { metricsRoutes } from './metrics-routes.ts'
import { alertsRoutes } from './alerts-routes.ts'
import { flagRoutes } from './flags-routes.ts'
import { rampRoutes } from './ramps-routes.ts'

export interface HttpAppOptions {
  /** the Remix request handler (pages); absent in API-only tests */
  pages?: RequestHandler
  /** mounted before the pages, e.g. Vite dev middleware or static assets */
  beforePages?: RequestHandler[]
  /** pages come from Vite's dev middleware (relaxed script policy for its injected modules) */
  devServer?: boolean
}

export function createHttpApp(engine: Engine, options: HttpAppOptions = {}) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', engine.config.trustProxy)
  app.use(requestLog({ level: engine.config.logLevel, json: engine.config.nodeEnv === 'production' }))
  app.use(
    securityHeaders({ production: engine.config.nodeEnv === 'production', devServer: options.devServer ?? false }),
  )
  app.use(refuseImpossibleUrl)
  // only answers worth compressing: pages, assets and listings; a booking's 201 is a few hundred
  // bytes, and wrapping every write of it cost measurable CPU at hundreds of bookings per second
  const compress = compression()
  app.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? compress(req, res, next) : next()))

  app.get('/healthz', healthCheck(engine))

  const metricsAuth: RequestHandler = engine.config.metricsToken
    ? requireBearerToken(engine.config.metricsToken, 'METRICS_TOKEN')
    : (_req, _res, next) => next()
  app.get('/metrics', metricsAuth, async (_req, res) => {
    res.set('Content-Type', engine.metrics.registry.contentType)
    res.send(await engine.metrics.registry.metrics())
  })

  const api = express.Router()
  api.use((req, res, next) => {
    const path = req.path
    res.on('finish', () => {
      const route = routeLabel(api, req.method, path, '/api')
      engine.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) })
    })
    next()
  })
  api.use(requireApiToken(engine.config.apiToken))
  api.use(express.json({ limit: '1mb', type: () => true }))
  api.use(refuseImpossibleInput)
  api.use('/restaurants', restaurantRoutes(engine))
  api.use('/bookings', bookingRoutes(engine))
  api.use('/events', eventRoutes(engine))
  api.use('/shadow', shadowRoutes(engine))
  api.use('/review', reviewRoutes(engine))
  api.use('/metrics', metricsRoutes(engine))
  api.use('/alerts', alertsRoutes(engine))
  api.use('/flags', flagRoutes(engine))
  api.use('/ramps', rampRoutes(engine))
  api.use((req, res) => sendError(res, 404, 'NOT_FOUND', `No API route for ${req.method} ${req.path}`))
  api.use(apiErrorHandler)
  app.use('/api', api)

  // pages, forms and resource routes (cookie sessions): every route mounted below is covered
  app.use(refuseCrossSiteRequests())
  app.use(refuseLegacyDataRequests)

  for (const middleware of options.beforePages ?? []) app.use(middleware)
  if (options.pages) app.all('*', options.pages)
  return app
}
