import { loadConfig } from '../../server/config.ts'
import { createEngine, type Engine, type EngineOptions } from '../../server/engine.ts'
import { createFreshDatabaseUrl } from './test-database.ts'

export interface TestEngine extends Engine {
  /** closes the engine and drops its database */
  dispose(): Promise<void>
}

/** An engine on a fresh database (PGlite in memory, or a new Postgres database when DATABASE_URL is set). */
export async function createTestEngine(
  env: Record<string, string> = {},
  options: EngineOptions = {},
): Promise<TestEngine> {
  const fresh = await createFreshDatabaseUrl()
  const config = loadConfig({
    NODE_ENV: 'test',
    MAITRE_DEMO: '0',
    DATA_DIR: './tmp/test-data',
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    MAITRE_API_TOKEN: 'test-token-123',
    ...(fresh.url ? { DATABASE_URL: fresh.url } : {}),
    ...env,
  })
  const engine = await createEngine(config, {
    inMemory: true,
    retryTimings: { transientBaseMs: 20, capacitySpacingMs: 50, maxAttempts: 3 },
    maintenanceIntervalSeconds: 1,
    ...options,
  })
  return Object.assign(engine, {
    async dispose() {
      await engine.close()
      await fresh.drop()
    },
  })
}
