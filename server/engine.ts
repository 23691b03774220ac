import fs from 'node:fs'
import type { Config } from './config.ts'
import { openDatabase, type Database, type DatabaseHandle } from './db/client.ts'
import { applyMigrations } from './db/migrate.ts'
import { startJobQueue, type JobQueue } from './jobs/queue.ts'
import { createEventRecorder, type EventRecorder } from './observability/event-recorder.ts'
import { createMetrics, type Metrics } from './observability/metrics.ts'
import { createRestaurantService, type RestaurantService } from './restaurants/restaurant-service.ts'
import { createAuthService, type AuthService } from './auth/auth-service.ts'
import { createAnalyticsService, type AnalyticsService } from './analytics/analytics-service.ts'

export interface Engine {
  config: Config
  database: DatabaseHandle
  db: Database
  jobs: JobQueue
  events: EventRecorder
  metrics: Metrics
  restaurants: RestaurantService
  auth: AuthService
  analytics: AnalyticsService
  /** true once close() has begun: health checks answer 503 while draining */
  isClosing(): boolean
  close(): Promise<void>
}

export interface EngineOptions {
  /** PGlite in memory instead of DATA_DIR (tests) */
  inMemory?: boolean
}

/** Opens the database, applies migrations and starts the job queue: one per process. */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  if (!config.databaseUrl && !options.inMemory) fs.mkdirSync(config.dataDir, { recursive: true })
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemory ? undefined : config.dataDir,
  })
  try {
    await applyMigrations(database)
  } catch (error) {
    await database.close()
    throw error
  }
  const db = database.db
  const jobs = await startJobQueue(database)
  const events = createEventRecorder(db)
  const metrics = createMetrics()
  let closing = false

  return {
    config,
    database,
    db,
    jobs,
    events,
    metrics,
    restaurants: createRestaurantService(db),
    auth: createAuthService(db),
    analytics: createAnalyticsService(database),
    isClosing: () => closing,
    async close() {
      if (closing) return
      closing = true
      // Let running jobs finish (pg-boss waits for active handlers), then flush telemetry.
      await jobs.stop({ graceful: true, wait: true, timeout: 20_000 })
      await events.close()
      await database.close()
    },
  }
}
