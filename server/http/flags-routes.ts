import { Router, type RequestHandler } from 'express'
import type { Engine } from '../engine.ts'
import { systemActor } from '../flags/flag-events.ts'
import {
  deleteRuleBodySchema,
  evaluateQuerySchema,
  parseInput,
  rampBodySchema,
  ruleBodySchema,
} from '../flags/flag-inputs.ts'

// The bearer token is one system actor: the API cannot tell callers apart, so its audit rows say "system:api".
const API_ACTOR = systemActor('api')

const handle =
  (fn: (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next)
  }

export function flagRoutes(engine: Engine): Router {
  const router = Router()
  const control = engine.flagControl

  router.get(
    '/',
    handle(async (_req, res) => {
      res.json({ flags: await control.overview() })
    }),
  )
  router.get(
    '/:key/evaluate',
    handle(async (req, res) => {
      const query = parseInput(evaluateQuerySchema, req.query, 'Query')
      res.json(await control.evaluate(req.params.key!, query))
    }),
  )
  router.put(
    '/:key/rules/:scope',
    handle(async (req, res) => {
      const body = parseInput(ruleBodySchema, req.body, 'Rule')
      res.json({ rule: await control.setRule(req.params.key!, req.params.scope!, body, API_ACTOR) })
    }),
  )
  router.delete(
    '/:key/rules/:scope',
    handle(async (req, res) => {
      // DELETE bodies are dropped by some clients: the comment may come as ?comment= instead
      const body = parseInput(
        deleteRuleBodySchema,
        req.body?.comment ? req.body : { comment: req.query.comment },
        'Delete',
      )
      res.json(await control.deleteRule(req.params.key!, req.params.scope!, body.comment, API_ACTOR))
    }),
  )
  router.get(
    '/:key/audit',
    handle(async (req, res) => {
      const limit = Number(req.query.limit ?? 200)
      res.json({ entries: await control.audit(req.params.key!, Number.isFinite(limit) ? limit : 200) })
    }),
  )
  router.post(
    '/:key/ramps',
    handle(async (req, res) => {
      const body = parseInput(rampBodySchema, req.body, 'Ramp')
      res.status(201).json({ ramp: await control.createRamp(req.params.key!, body, API_ACTOR) })
    }),
  )
  return router
}
