import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { parseFlagOverrides, type FlagOverrides } from './flags/definitions.ts'

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
  MAITRE_SIMULATOR: z.enum(['0', '1']).optional(),
  MAITRE_SIMULATOR_BOOKINGS_PER_MINUTE: z.coerce.number().min(0).max(6_000).default(20),
  MAITRE_SIMULATOR_CANCEL_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  MAITRE_API_TOKEN: z.string().min(8, 'MAITRE_API_TOKEN must be at least 8 characters').optional(),
  MAITRE_DEMO: z.enum(['0', '1']).optional(),
  SESSION_SECRET: z
    .string()
    .min(32, 'SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)')
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().min(1).default('loopback, linklocal, uniquelocal'),
  SMTP_URL: z.string().url().optional(),
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_ANON_KEY: z.string().min(1).optional(),
  MAITRE_JOB_CUTOFF_MINUTES: z.coerce.number().int().min(0).default(15),
  ALERT_WEBHOOK_URL: z.string().url().optional(),
  ALERT_EMAIL_TO: z.string().email().optional(),
  ANALYTICS_RAW_RETENTION_DAYS: z.coerce.number().min(0).default(30),
})

export const DEMO_API_TOKEN = 'dev-token'

export type { FlagOverrides }

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface SimulatorConfig {
  /** MAITRE_SIMULATOR; on by default in demo mode. It only ever books into the demo restaurants. */
  enabled: boolean
  /** steady traffic after the initial burst; 0 stops it */
  bookingsPerMinute: number
  /** share of steady-traffic ticks that cancel one of the simulator's earlier bookings instead */
  cancelShare: number
}

export interface Config {
  nodeEnv: 'development' | 'production' | 'test'
  port: number
  /** interface to bind: HOST, else 127.0.0.1 in demo mode (published password and token), else all */
  host: string | undefined
  logLevel: LogLevel
  simulator: SimulatorConfig
  dataDir: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  apiToken: string
  /** true when the token is the printed demo token */
  apiTokenIsDemo: boolean
  demo: boolean
  sessionSecret: string
  /** bearer token /metrics requires; undefined leaves /metrics open (docs/api.md) */
  metricsToken: string | undefined
  /** Express "trust proxy": which hops may set X-Forwarded-For (the client address throttling uses) */
  trustProxy: string
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

/** Parses the environment; throws ConfigError with every problem and what to set. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = envSchema.safeParse(cleaned)
  // the kill switches are derived from FLAG_DEFINITIONS, not listed here a second time
  const flags = parseFlagOverrides(cleaned)
  if (!parsed.success || flags.issues.length > 0) {
    const lines = (parsed.success ? [] : parsed.error.issues).map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    )
    throw new ConfigError(`Invalid environment:\n${[...lines, ...flags.issues].join('\n')}`)
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
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? (demo ? '127.0.0.1' : undefined),
    // tests make thousands of requests; their request lines would bury the test output
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    simulator: {
      enabled: e.MAITRE_SIMULATOR ? e.MAITRE_SIMULATOR === '1' : demo,
      bookingsPerMinute: e.MAITRE_SIMULATOR_BOOKINGS_PER_MINUTE,
      cancelShare: e.MAITRE_SIMULATOR_CANCEL_SHARE,
    },
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    apiToken: e.MAITRE_API_TOKEN ?? DEMO_API_TOKEN,
    apiTokenIsDemo: !e.MAITRE_API_TOKEN || e.MAITRE_API_TOKEN === DEMO_API_TOKEN,
    demo,
    sessionSecret: e.SESSION_SECRET ?? demoSessionSecret(dataDir, !e.DATABASE_URL),
    metricsToken: e.METRICS_TOKEN,
    trustProxy: e.TRUST_PROXY,
    smtpUrl: e.SMTP_URL,
    supabase: e.SUPABASE_URL && e.SUPABASE_ANON_KEY ? { url: e.SUPABASE_URL, anonKey: e.SUPABASE_ANON_KEY } : undefined,
    jobCutoffMinutes: e.MAITRE_JOB_CUTOFF_MINUTES,
    flagOverrides: flags.overrides,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL,
    alertEmailTo: e.ALERT_EMAIL_TO,
    analyticsRawRetentionDays: e.ANALYTICS_RAW_RETENTION_DAYS,
  }
}

/** Where PGlite keeps its files: a subfolder, since DATA_DIR also holds the demo session secret. */
export function pgliteDirectory(dataDir: string): string {
  return path.join(dataDir, 'pglite')
}

/**
 * Just the database settings, for tools (`npm run user`) that must work on a production install
 * without its HTTP secrets in their environment.
 */
export function loadDatabaseConfig(env: Record<string, string | undefined> = process.env) {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = envSchema.pick({ DATA_DIR: true, DATABASE_URL: true }).safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  return { dataDir: path.resolve(parsed.data.DATA_DIR), databaseUrl: parsed.data.DATABASE_URL }
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
