import { describe, expect, it } from 'vitest'
import { ConfigError, DEMO_API_TOKEN, loadConfig } from '../../server/config.ts'

const base = { DATA_DIR: './tmp/config-test' }

describe('loadConfig', () => {
  it('defaults to PGlite demo mode with the printed demo token', () => {
    const config = loadConfig({ ...base })
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.demo).toBe(true)
    expect(config.apiToken).toBe(DEMO_API_TOKEN)
    expect(config.apiTokenIsDemo).toBe(true)
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32)
  })

  it('turns demo off by default with DATABASE_URL', () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'postgres://u@localhost/db' })
    expect(config.demo).toBe(false)
  })

  it('refuses production without a token and session secret, naming what to set', () => {
    let error: unknown
    try {
      loadConfig({ ...base, NODE_ENV: 'production', MAITRE_DEMO: '0' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain('MAITRE_API_TOKEN')
    expect((error as Error).message).toContain('SESSION_SECRET')
  })

  it('refuses a SESSION_SECRET shorter than 32 characters, saying how to make one', () => {
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'x'.repeat(31) })).toThrow(/SESSION_SECRET must be at least 32/)
    expect(loadConfig({ ...base, SESSION_SECRET: 'x'.repeat(32) }).sessionSecret).toBe('x'.repeat(32))
  })

  it('reads METRICS_TOKEN (unset leaves /metrics open) and refuses a short one', () => {
    expect(loadConfig({ ...base }).metricsToken).toBeUndefined()
    expect(loadConfig({ ...base, METRICS_TOKEN: 'm'.repeat(20) }).metricsToken).toBe('m'.repeat(20))
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/)
  })

  it('refuses the demo token and demo mode in production', () => {
    expect(() =>
      loadConfig({ ...base, NODE_ENV: 'production', MAITRE_API_TOKEN: DEMO_API_TOKEN, SESSION_SECRET: 'x'.repeat(32) }),
    ).toThrow(/demo token/)
    expect(() =>
      loadConfig({
        ...base,
        NODE_ENV: 'production',
        MAITRE_API_TOKEN: 'a-real-token-123',
        SESSION_SECRET: 'x'.repeat(32),
        MAITRE_DEMO: '1',
      }),
    ).toThrow(/MAITRE_DEMO/)
  })

  it('starts in production with real secrets', () => {
    const config = loadConfig({
      ...base,
      NODE_ENV: 'production',
      MAITRE_API_TOKEN: 'a-real-token-123',
      SESSION_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://u@localhost/db',
    })
    expect(config.apiTokenIsDemo).toBe(false)
    expect(config.demo).toBe(false)
  })

  it('reads flag kill switches from the environment', () => {
    const config = loadConfig({
      ...base,
      FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '0',
      FEATURE_INLINE_AUTO_ASSIGN_TIMEOUT_MS: '250',
      PLANNER_CACHE_ENABLED: 'true',
    })
    expect(config.flagOverrides).toEqual({
      'auto_assign.retry_policy_v2': false,
      'inline_auto_assign.timeout_ms': 250,
      'planner.cache': true,
    })
  })

  it('rejects malformed values with the variable name', () => {
    expect(() => loadConfig({ ...base, PORT: 'abc' })).toThrow(/PORT/)
    expect(() => loadConfig({ ...base, DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/)
  })
})

describe('loadConfig: binding, request log and simulator', () => {
  it('binds 127.0.0.1 in demo mode unless HOST is set, and every interface outside demo mode', () => {
    expect(loadConfig({ ...base }).host).toBe('127.0.0.1')
    expect(loadConfig({ ...base, HOST: '0.0.0.0' }).host).toBe('0.0.0.0')
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u@localhost/db' }).host).toBeUndefined()
  })

  it('logs requests at info by default, silent under test, and refuses unknown levels', () => {
    expect(loadConfig({ ...base }).logLevel).toBe('info')
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).logLevel).toBe('silent')
    expect(loadConfig({ ...base, NODE_ENV: 'test', LOG_LEVEL: 'warn' }).logLevel).toBe('warn')
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
  })

  it('runs the simulator in demo mode by default; MAITRE_SIMULATOR, its rate and cancel share are settable', () => {
    expect(loadConfig({ ...base }).simulator).toEqual({ enabled: true, bookingsPerMinute: 20, cancelShare: 0.1 })
    expect(loadConfig({ ...base, MAITRE_SIMULATOR: '0' }).simulator.enabled).toBe(false)
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u@localhost/db' }).simulator.enabled).toBe(false)
    const tuned = loadConfig({
      ...base,
      MAITRE_SIMULATOR_BOOKINGS_PER_MINUTE: '120',
      MAITRE_SIMULATOR_CANCEL_SHARE: '0.25',
    })
    expect(tuned.simulator).toEqual({ enabled: true, bookingsPerMinute: 120, cancelShare: 0.25 })
    expect(() => loadConfig({ ...base, MAITRE_SIMULATOR_CANCEL_SHARE: '1.5' })).toThrow(/CANCEL_SHARE/)
  })
})
