export type FlagValue = boolean | number | string

export interface FlagDefinition {
  key: string
  valueType: 'boolean' | 'number' | 'string'
  description: string
  defaultValue: FlagValue
  envOverride: string
}

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
    defaultValue: 3,
    envOverride: 'FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL',
  },
  {
    key: 'inline_auto_assign.timeout_ms',
    valueType: 'number',
    description: 'Deadline of the inline auto-assign at booking intake',
    defaultValue: 1500,
    envOverride: 'FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS',
  },
] as const satisfies readonly FlagDefinition[]

export type FlagKey = (typeof FLAG_DEFINITIONS)[number]['key']

export const flagDefinition = (key: string): FlagDefinition | undefined =>
  (FLAG_DEFINITIONS as readonly FlagDefinition[]).find((definition) => definition.key === key)
