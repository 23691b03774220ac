import { data } from '@remix-run/node'
import { z } from 'zod'

// Form parsing for the flag pages: the engine validates again (type, bounds, comment) and its
// errors come back to the form as a 4xx with the message.

const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('false'), z.undefined()])
  .transform((value) => value === 'on' || value === 'true')
const percent = z.coerce.number().int().min(0, 'Percent is 0 to 100').max(100, 'Percent is 0 to 100')
const comment = z.string().trim().min(1, 'Say why: every change is audited with its reason').max(500)
const scope = z.string().trim().min(1).max(100)

export const flagActionSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('set-rule'),
    scope,
    enabled: checkbox,
    percent,
    value: z.string().trim().max(200).optional(),
    comment,
  }),
  z.object({ intent: z.literal('delete-rule'), scope, comment }),
  z.object({
    intent: z.literal('start-ramp'),
    template: z.string().trim().max(100).optional(),
    pilots: z.string().trim().max(500).optional(),
    percents: z.string().trim().max(200).optional(),
    holdMinutes: z.coerce.number().positive('Hold is a number of minutes above 0').max(43_200).optional(),
    restaurant: z.string().trim().max(100).optional(),
    comment,
  }),
])

export const rampActionSchema = z.object({
  intent: z.enum(['pause', 'resume', 'advance', 'rollback']),
  comment: z.string().trim().max(500).optional(),
})

export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of form.entries()) if (typeof value === 'string') out[key] = value
  return out
}

/** "number" flags take a number; booleans serve true when on; strings as typed. */
export function parseRuleValue(type: string, text: string | undefined): boolean | number | string | null {
  if (text === undefined || text === '') return null
  if (type === 'number') return Number(text)
  if (type === 'boolean') return text === 'true'
  return text
}

/** An engine error (AppError: code, status < 500) becomes the form's 4xx; anything else is rethrown. */
export function engineErrorResponse(error: unknown) {
  const status = (error as { status?: unknown }).status
  const code = (error as { code?: unknown }).code
  if (error instanceof Error && typeof status === 'number' && status < 500 && typeof code === 'string') {
    return data({ ok: false as const, error: error.message, code }, { status })
  }
  throw error
}

export function invalidForm(issues: z.ZodIssue[]) {
  return data(
    { ok: false as const, error: issues.map((issue) => issue.message).join('; '), code: 'INVALID_INPUT' },
    { status: 400 },
  )
}
