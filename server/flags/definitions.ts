import { z } from 'zod'

export type FlagValue = boolean | number | string
export type FlagValueType = 'boolean' | 'number' | 'string'

export interface FlagDefinition {
  key: string
  valueType: FlagValueType
  description: string
  defaultValue: FlagValue
  /** the environment variable that overrides the flag everywhere (the kill switch) */
  envOverride: string
  /** bounds of a number flag, checked on rules and on the environment override alike */
  min?: number
  max?: number
}

/**
 * Every flag the engine reads, declared once: the env override table (server/config.ts), the
 * feature_flags rows, the API's validation and the typed read methods are all derived from this.
 */
export const FLAG_DEFINITIONS = [
  {
    key: 'auto_assign.retry_policy_v2',
    valueType: 'boolean',
    description: 'Classify failure reasons as hard or transient; skip or shorten pointless retries',
    defaultValue: false,
    envOverride: 'FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2',
  },
  {
    key: 'planner.cache',
    valueType: 'boolean',
    description: 'Per-process plan cache keyed by the availability version',
    defaultValue: true,
    envOverride: 'PLANNER_CACHE_ENABLED',
  },
  {
    key: 'planner.profiling',
    valueType: 'boolean',
    description: "Record the planner's internal counts on every quote event",
    defaultValue: false,
    envOverride: 'DEBUG_CAPACITY_PROFILING',
  },
  {
    key: 'assignment.pipeline_v3',
    valueType: 'boolean',
    description: 'Seat bookings through the V3 coordinator instead of the legacy pipeline',
    defaultValue: false,
    envOverride: 'FEATURE_ASSIGNMENT_PIPELINE_V3',
  },
  {
    key: 'assignment.pipeline_v3_shadow',
    valueType: 'boolean',
    description: 'Run V3 beside the legacy pipeline without side effects and compare',
    defaultValue: false,
    envOverride: 'FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW',
  },
  {
    key: 'assignment.pipeline_v3_max_parallel',
    valueType: 'number',
    description: 'Bulkhead: parallel V3 assignments per restaurant',
    // the V3 plan: at most 3 concurrent assignments per restaurant (docs/decisions/017)
    defaultValue: 3,
    envOverride: 'FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL',
    min: 1,
    max: 64,
  },
  {
    key: 'assignment.pipeline_v3_inline_max_intake',
    valueType: 'number',
    description:
      'V3 at intake: run the coordinator inline only while at most this many booking requests are in flight in the process; above it the job seats the booking at once',
    // a burst of requests: inline runs would share the event loop with every request of it
    // (docs/decisions/017, "Inline admission")
    defaultValue: 8,
    envOverride: 'FEATURE_ASSIGNMENT_PIPELINE_V3_INLINE_MAX_INTAKE',
    min: 0,
    max: 10_000,
  },
  {
    key: 'inline_auto_assign.timeout_ms',
    valueType: 'number',
    description: 'Deadline of the inline auto-assign at booking intake',
    defaultValue: 1500,
    envOverride: 'FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS',
    min: 1,
    max: 60_000,
  },
  {
    key: 'assignment.reseat',
    valueType: 'boolean',
    description: 'Move confirmed bookings to other tables when that lets a new booking be seated',
    defaultValue: false,
    envOverride: 'FEATURE_ASSIGNMENT_RESEAT',
  },
  {
    key: 'assignment.reseat_max_intake',
    valueType: 'number',
    description:
      'Re-seating on the booking path only while at most this many booking requests are in flight in the process; above it the job retries later',
    // saturation: refused bookings' searches would take the CPU the booking path needs
    // (server/assignment/reseat-admission.ts)
    defaultValue: 8,
    envOverride: 'FEATURE_ASSIGNMENT_RESEAT_MAX_INTAKE',
    min: 0,
    max: 10_000,
  },
  {
    key: 'assignment.peak_pacing',
    valueType: 'boolean',
    description: "Keep the restaurant's peak-pacing tables for large parties until the rule's cut-off",
    defaultValue: false,
    envOverride: 'FEATURE_ASSIGNMENT_PEAK_PACING',
  },
] as const satisfies readonly FlagDefinition[]

type Definitions = (typeof FLAG_DEFINITIONS)[number]
export type FlagKey = Definitions['key']
/** keys of boolean flags: `flags.boolean(key)` accepts only these */
export type BooleanFlag = Extract<Definitions, { valueType: 'boolean' }>['key']
/** keys of number flags: `flags.number(key)` accepts only these */
export type NumberFlag = Extract<Definitions, { valueType: 'number' }>['key']

export const FLAG_KEYS = FLAG_DEFINITIONS.map((definition) => definition.key) as [FlagKey, ...FlagKey[]]
export const flagKeySchema = z.enum(FLAG_KEYS)

const byKey = new Map<string, FlagDefinition>(FLAG_DEFINITIONS.map((definition) => [definition.key, definition]))

export const flagDefinition = (key: string): FlagDefinition | undefined => byKey.get(key)
export const isFlagKey = (key: string): key is FlagKey => byKey.has(key)

const booleanText = z
  .enum(['1', '0', 'true', 'false', 'on', 'off'])
  .transform((value) => value === '1' || value === 'true' || value === 'on')

/** How an environment variable's text becomes the flag's value (kill switch). */
export function envValueSchema(definition: FlagDefinition): z.ZodType<FlagValue, z.ZodTypeDef, string> {
  if (definition.valueType === 'boolean') return booleanText
  if (definition.valueType === 'number') {
    let number = z.coerce.number().int()
    if (definition.min !== undefined) number = number.min(definition.min)
    if (definition.max !== undefined) number = number.max(definition.max)
    return number as unknown as z.ZodType<FlagValue, z.ZodTypeDef, string>
  }
  return z.string().min(1)
}

/** What a rule's value may be for this flag (the API and the pages validate with it). */
export function ruleValueSchema(definition: FlagDefinition): z.ZodType<FlagValue> {
  if (definition.valueType === 'boolean') return z.boolean()
  if (definition.valueType === 'number') {
    let number = z.number().int()
    if (definition.min !== undefined) number = number.min(definition.min)
    if (definition.max !== undefined) number = number.max(definition.max)
    return number
  }
  return z.string().min(1).max(200)
}

export type FlagOverrides = Partial<Record<FlagKey, FlagValue>>

/**
 * Reads the kill switches of every flag from the environment; one issue line per bad value.
 * Empty strings count as unset (as everywhere in server/config.ts).
 */
export function parseFlagOverrides(env: Record<string, string | undefined>): {
  overrides: FlagOverrides
  issues: string[]
} {
  const overrides: FlagOverrides = {}
  const issues: string[] = []
  for (const definition of FLAG_DEFINITIONS) {
    const text = env[definition.envOverride]
    if (text === undefined || text === '') continue
    const parsed = envValueSchema(definition).safeParse(text)
    if (parsed.success) overrides[definition.key] = parsed.data
    else issues.push(`  ${definition.envOverride}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`)
  }
  return { overrides, issues }
}
