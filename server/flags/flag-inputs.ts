import { z } from 'zod'
import { AppError } from '../errors.ts'
import { MAX_COMMENT_LENGTH } from './flag-events.ts'
import { guardrailSpecSchema, rampStageSchema } from './ramps/ramp-types.ts'

const comment = z
  .string({ required_error: 'Say why in "comment": every flag change is audited with its reason' })
  .trim()
  .min(1, 'Say why in "comment": every flag change is audited with its reason')
  .max(MAX_COMMENT_LENGTH)

/** PUT /api/flags/:key/rules/:scope (the value's type is checked against the flag afterwards) */
export const ruleBodySchema = z
  .object({
    enabled: z.boolean({ required_error: '"enabled" (true or false) is required' }),
    rolloutPercent: z.number().int().min(0).max(100).optional(),
    value: z.union([z.boolean(), z.number(), z.string(), z.null()]).optional(),
    comment,
  })
  .strict()
export type RuleBody = z.infer<typeof ruleBodySchema>

export const deleteRuleBodySchema = z.object({ comment }).strict()

/** POST /api/flags/:key/ramps: explicit stages, or a template (with its pilot restaurants) */
export const rampBodySchema = z
  .object({
    restaurant: z.string().trim().min(1).max(100).optional(),
    stages: z.array(rampStageSchema).min(1).max(20).optional(),
    guardrails: z.array(guardrailSpecSchema).max(20).optional(),
    startAt: z.string().datetime({ offset: true, message: 'startAt is an ISO-8601 time with an offset' }).optional(),
    template: z.string().trim().min(1).max(100).optional(),
    pilotRestaurants: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
    comment: z.string().trim().max(MAX_COMMENT_LENGTH).optional(),
  })
  .strict()
  .refine((body) => (body.stages ? !body.template : !!body.template), {
    message: 'Send either "stages" (and "guardrails") or a "template", not both',
  })
export type RampBody = z.infer<typeof rampBodySchema>

export const rampCommandBodySchema = z
  .object({ comment: z.string().trim().max(MAX_COMMENT_LENGTH).optional() })
  .strict()

export const RAMP_COMMANDS = ['pause', 'resume', 'advance', 'rollback'] as const
export const rampCommandSchema = z.enum(RAMP_COMMANDS)

export const evaluateQuerySchema = z.object({
  restaurant: z.string().trim().min(1).max(100).optional(),
  booking: z.string().uuid('booking is a booking id (a UUID)').optional(),
})

/** Parses or throws the API's 400 with issues. */
export function parseInput<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  const first = parsed.error.issues[0]
  return throwInvalid(
    `${what}: ${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'invalid'}`,
    parsed.error.issues,
  )
}

function throwInvalid(message: string, issues: unknown[]): never {
  throw new AppError('INVALID_INPUT', message, 400, issues)
}
