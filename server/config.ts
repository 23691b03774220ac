import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off'])
  .transform((value) => value === '1' || value === 'true' || value === 'on')

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  MAITRE_API_TOKEN: z.string().min(8, 'MAITRE_API_TOKEN must be at least 8 characters').optional(),
  MAITRE_DEMO: z.enum(['0', '1']).optional(),
  SESSION_SECRET: z.string().min(16, 'SESSION_SECRET must be at least 16 characters').optional(),
  SMTP_URL: z.string().url().optional(),
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_ANON_KEY: z.string().min(1).optional(),
  MAITRE_JOB_CUTOFF_MINUTES: z.coerce.number().int().min(0).default(15),
  FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: booleanFlag.optional(),
  PLANNER_CACHE_ENABLED: booleanFlag.optional(),
  DEBUG_CAPACITY_PROFILING: booleanFlag.optional(),
  FEATURE_ASSIGNMENT_PIPELINE_V3: booleanFlag.optional(),
  FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW: booleanFlag.optional(),
  FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL: z.coerce.number().int().min(1).max(64).optional(),
  FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).optional(),
  ALERT_WEBHOOK_URL: z.string().url().optional(),
  ALERT_EMAIL_TO: z.string().email().optional(),
  ANALYTICS_RAW_RETENTION_DAYS: z.coerce.number().min(0).default(30),
})

export const DEMO_API_TOKEN = 'dev-token'

export type FlagOverrides = Record<string, boolean | number>

export interface Config {
  nodeEnv: 'development' | 'production' | 'test'
  port: number
  dataDir: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  apiToken: string
  /** true when the token is the printed demo token */
  apiTokenIsDemo: boolean
  demo: boolean
  sessionSecret: string
  smtpUrl: string | undefined
  supabase: { url: string; anonKey: string } | undefined
  jobCutoffMinutes: number
  /** environment kill switches, keyed by flag key */
  flagOverrides: FlagOverrides
  /** POST every alert transition here (server/alerts/notifier.ts) */
  alertWebhookUrl: string | undefined
  /** email every alert transition to this address through the outbox */
  alertEmailTo: string | undefined
  /** raw observability events older than this many days are dropped once rolled up; 0 keeps them */
  analyticsRawRetentionDays: number
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID'
}

const flagEnv: Array<[keyof z.infer<typeof envSchema>, string]> = [
  ['FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2', 'auto_assign.retry_policy_v2'],
  ['PLANNER_CACHE_ENABLED', 'planner.cache'],
  ['DEBUG_CAPACITY_PROFILING', 'planner.profiling'],
  ['FEATURE_ASSIGNMENT_PIPELINE_V3', 'assignment.pipeline_v3'],
  ['FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW', 'assignment.pipeline_v3_shadow'],
  ['FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL', 'assignment.pipeline_v3_max_parallel'],
  ['FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS', 'inline_auto_assign.timeout_ms'],
]

/** Parses the environment; throws ConfigError with every problem and what to set. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  const problems: string[] = []
  if (production && !e.MAITRE_API_TOKEN) {
    problems.push('  MAITRE_API_TOKEN: required in production (a long random string for the HTTP API)')
  }
  if (production && e.MAITRE_API_TOKEN === DEMO_API_TOKEN) {
    problems.push(`  MAITRE_API_TOKEN: the demo token "${DEMO_API_TOKEN}" is refused in production`)
  }
  if (production && !e.SESSION_SECRET) {
    problems.push('  SESSION_SECRET: required in production (e.g. `openssl rand -hex 32`)')
  }
  if (production && e.MAITRE_DEMO === '1') {
    problems.push('  MAITRE_DEMO: demo data and demo users are refused in production; set MAITRE_DEMO=0')
  }
  if ((e.SUPABASE_URL && !e.SUPABASE_ANON_KEY) || (!e.SUPABASE_URL && e.SUPABASE_ANON_KEY)) {
    problems.push('  SUPABASE_URL and SUPABASE_ANON_KEY: set both or neither')
  }
  if (problems.length > 0) {
    throw new ConfigError(`Refusing to start:\n${problems.join('\n')}`)
  }

  const dataDir = path.resolve(e.DATA_DIR)
  const demo = e.MAITRE_DEMO ? e.MAITRE_DEMO === '1' : !e.DATABASE_URL
  const flagOverrides: FlagOverrides = {}
  for (const [envKey, flagKey] of flagEnv) {
    const value = e[envKey]
    if (typeof value === 'boolean' || typeof value === 'number') flagOverrides[flagKey] = value
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    apiToken: e.MAITRE_API_TOKEN ?? DEMO_API_TOKEN,
    apiTokenIsDemo: !e.MAITRE_API_TOKEN || e.MAITRE_API_TOKEN === DEMO_API_TOKEN,
    demo,
    sessionSecret: e.SESSION_SECRET ?? demoSessionSecret(dataDir, !e.DATABASE_URL),
    smtpUrl: e.SMTP_URL,
    supabase: e.SUPABASE_URL && e.SUPABASE_ANON_KEY ? { url: e.SUPABASE_URL, anonKey: e.SUPABASE_ANON_KEY } : undefined,
    jobCutoffMinutes: e.MAITRE_JOB_CUTOFF_MINUTES,
    flagOverrides,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL,
    alertEmailTo: e.ALERT_EMAIL_TO,
    analyticsRawRetentionDays: e.ANALYTICS_RAW_RETENTION_DAYS,
  }
}

/** Outside production a secret is generated once and kept in DATA_DIR so sessions survive restarts. */
function demoSessionSecret(dataDir: string, persist: boolean): string {
  if (!persist) return crypto.randomBytes(32).toString('hex')
  const file = path.join(dataDir, 'session-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(dataDir, { recursive: true })
    const secret = crypto.randomBytes(32).toString('hex')
    fs.writeFileSync(file, secret, { mode: 0o600 })
    return secret
  }
}
