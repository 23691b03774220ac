import { Router } from 'express'
import { z } from 'zod'
import type { Engine } from '../engine.ts'
import { AppError } from '../errors.ts'
import { systemActor } from '../flags/flag-events.ts'
import { parseInput, rampCommandBodySchema, rampCommandSchema } from '../flags/flag-inputs.ts'

const rampId = z.string().uuid()

function requireRampId(id: string | undefined): string {
  if (!rampId.safeParse(id).success) throw new AppError('RAMP_NOT_FOUND', `There is no ramp ${id ?? ''}`, 404)
  return id!
}

export function rampRoutes(engine: Engine): Router {
  const router = Router()
  const control = engine.flagControl

  router.get('/templates', (_req, res) => {
    res.json({ templates: control.templates() })
  })
  router.get('/:id', (req, res, next) => {
    control
      .ramp(requireRampId(req.params.id))
      .then((ramp) => res.json({ ramp }))
      .catch(next)
  })
  router.post('/:id/:command', (req, res, next) => {
    Promise.resolve()
      .then(async () => {
        const id = requireRampId(req.params.id)
        const command = rampCommandSchema.safeParse(req.params.command)
        if (!command.success) {
          throw new AppError(
            'NOT_FOUND',
            `No ramp action "${req.params.command}"; use pause, resume, advance or rollback`,
            404,
          )
        }
        const body = parseInput(rampCommandBodySchema, req.body, 'Ramp action')
        res.json({ ramp: await control.rampCommand(id, command.data, body.comment ?? null, systemActor('api')) })
      })
      .catch(next)
  })
  return router
}
