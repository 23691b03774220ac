import fs from 'node:fs'
import { readLatestSimulation, type LatestSimulation } from './quality/latest-simulation.ts'
import { pgliteDirectory, type Config } from './config.ts'
import {
  openDatabase,
  openSideDatabase,
  type Database,
  type DatabaseHandle,
  type DatabaseTimeouts,
} from './db/client.ts'
import { applyMigrations } from './db/migrate.ts'
import { startAdaptiveLanes, type AdaptiveLanes } from './jobs/adaptive-lanes.ts'
import { ensureQueue, startJobQueue, type JobQueue } from './jobs/queue.ts'
import { createEventRecorder, type EventRecorder } from './observability/event-recorder.ts'
import { createMetrics, type Metrics } from './observability/metrics.ts'
import { createRestaurantService, type RestaurantService } from './restaurants/restaurant-service.ts'
import { createAuthService, ensureRolesAndPermissions, type AuthService } from './auth/auth-service.ts'
import { createAnalytics, type Analytics } from './analytics/analytics.ts'
import { createAlertService, type AlertService } from './alerts/alert-service.ts'
import { createAlertNotifier, type SendAlertEmail } from './alerts/notifier.ts'
import { enqueueNotification } from './notify/outbox-queries.ts'
import { createFlagService, type FlagService } from './flags/flag-service.ts'
import { createFloorCache } from './assignment/floor-snapshot.ts'
import { createPlanCache, type PlanCache } from './assignment/plan-cache.ts'
import type { AssignmentDeps, AssignmentFaults } from './assignment/assignment-deps.ts'
import { AUTO_ASSIGN_QUEUE, startAutoAssignWorker, type AutoAssignWorker } from './assignment/auto-assign-job.ts'
import { DEFAULT_RETRY_TIMINGS, type RetryTimings } from './assignment/retry-policy.ts'
import { createBookingService, type BookingService } from './bookings/booking-service.ts'
import { createRestaurantDirectory } from './restaurants/restaurant-directory.ts'
import { createMailTransport } from './notify/mail-transport.ts'
import { startOutboxWorker, type OutboxWorker } from './notify/outbox-worker.ts'
import { createScheduler, type Scheduler } from './scheduling/scheduler.ts'
import type { MetricReader } from './analytics/metric-reader.ts'
import { createRampService, type RampService } from './flags/ramps/ramp-service.ts'
import { registerRampRunner } from './flags/ramps/ramp-runner.ts'
import { createFlagControl, type FlagControl } from './flags/flag-control.ts'
import { createStateMachine, type StateMachine } from './assignment/state-machine.ts'
import { createCoordinator, type Coordinator } from './assignment/pipelines/v3/coordinator.ts'
import { createShadowRunner, type ShadowRunner } from './assignment/shadow/shadow-runner.ts'
import { createShadowReport, type ShadowReport } from './assignment/shadow/shadow-report.ts'
import { createV3Resilience, type V3ResilienceBundle, type V3ResilienceOptions } from './resilience/v3-resilience.ts'
import { createReviewService, type ReviewService } from './review/review-service.ts'
import { scheduleAutoAssignMaintenance } from './jobs/auto-assign-sweep.ts'

export interface Engine {
  config: Config
  database: DatabaseHandle
  db: Database
  jobs: JobQueue
  events: EventRecorder
  metrics: Metrics
  flags: FlagService
  /** staged flag ramps; the runner is registered on the scheduler as 'flags.ramps' */
  ramps: RampService
  /** the flag control plane's use cases (API and pages) */
  flagControl: FlagControl
  planCache: PlanCache
  restaurants: RestaurantService
  bookings: BookingService
  auth: AuthService
  /** the metric catalogue (MetricReader: analytics.read), rollups, compare */
  analytics: Analytics
  /** alert rules over catalogue metrics, evaluated on the scheduler (server/alerts) */
  alerts: AlertService
  /** periodic work, one runner per task across processes (server/scheduling) */
  scheduler: Scheduler
  /** what the assignment pipelines use; exposed for tools and tests */
  assignment: AssignmentDeps
  /** every assignment state change goes through it (server/assignment/state-machine.ts) */
  stateMachine: StateMachine
  /** pipeline V3: the coordinator and the resilience objects it runs under */
  v3: { coordinator: Coordinator; resilience: V3ResilienceBundle; shadow: ShadowRunner; report: ShadowReport }
  /** the manual-review queue, its suggestions and the staff's actions (server/review) */
  review: ReviewService
  /** the latest simulation `npm run simulate -- --publish` wrote to DATA_DIR (docs/decisions/022) */
  quality: { latestSimulation(): Promise<LatestSimulation | null> }
  /** true once close() has begun: health checks answer 503 while draining */
  isClosing(): boolean
  /** drains (jobs in flight get `drainTimeoutMs` to finish, the rest are redelivered) and closes */
  close(): Promise<void>
}

export interface EngineOptions {
  /** PGlite in memory instead of DATA_DIR (tests) */
  inMemory?: boolean
  /** background job timings (tests shorten them) */
  retryTimings?: Partial<RetryTimings>
  holdTtlMs?: number
  /** seconds before pg-boss redelivers a job whose process died (default 30: a job is one attempt) */
  jobExpireInSeconds?: number
  /** how long close() waits for jobs in flight before leaving them to redelivery (default 4000) */
  drainTimeoutMs?: number
  /** statement and connection timeouts (Postgres) */
  databaseTimeouts?: Partial<DatabaseTimeouts>
  /** parallel auto-assign jobs in this process (at most: on Postgres the lanes follow the event loop's lag) */
  workerConcurrency?: number
  /** false: every lane works whatever the event loop's lag (default true on Postgres) */
  adaptiveLanes?: boolean
  /** pg-boss maintenance (expiry of dead deliveries) interval */
  maintenanceIntervalSeconds?: number
  /** do not start the background workers (tools, some tests) */
  workers?: boolean
  now?: () => Date
  faults?: AssignmentFaults
  /** V3 resilience settings (tests shorten the breaker, prefix the Redis keys) */
  v3?: Omit<V3ResilienceOptions, 'redisUrl' | 'now' | 'bulkheadDb'> & {
    lockWaitMs?: number
    shadowTimeoutMs?: number
    /** connections of the coordinator's own pool (Postgres); default 4 */
    poolSize?: number
  }
  /** how alert emails are sent (the outbox's mail that is not about a booking); absent: not mailed */
  sendAlertEmail?: SendAlertEmail
  /** flag rule snapshot reload interval (the fallback to LISTEN/NOTIFY); default 1 s */
  flagRefreshIntervalMs?: number
  /** what ramp guardrails read; default: the metric catalogue */
  metricReader?: MetricReader
}

/** Opens the database, applies migrations and starts the job queue and workers: one per process. */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  if (!config.databaseUrl && !options.inMemory) fs.mkdirSync(config.dataDir, { recursive: true })
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: options.inMemory ? undefined : pgliteDirectory(config.dataDir),
    timeouts: options.databaseTimeouts,
  })
  try {
    await applyMigrations(database)
    // roles added in code after the last migration exist before anyone signs in
    await ensureRolesAndPermissions(database.db)
  } catch (error) {
    await database.close()
    throw error
  }
  const db = database.db
  const jobs = await startJobQueue(database, { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds })
  // the queue must exist even in processes that only enqueue (intake without workers)
  await ensureQueue(jobs, AUTO_ASSIGN_QUEUE, { policy: 'stately' })
  const events = createEventRecorder(db, { asyncCommit: database.driver === 'postgres' })
  const metrics = createMetrics()
  const flags = createFlagService(db, config.flagOverrides, {
    events,
    metrics,
    databaseUrl: database.databaseUrl,
    refreshIntervalMs: options.flagRefreshIntervalMs,
  })
  await flags.start()
  const planCache = createPlanCache()
  const now = options.now ?? (() => new Date())
  const assignment: AssignmentDeps = {
    db,
    events,
    metrics,
    flags,
    floors: createFloorCache(),
    planCache,
    holdTtlMs: options.holdTtlMs ?? 60_000,
    now,
    faults: options.faults,
  }
  const jobExpireInSeconds = options.jobExpireInSeconds ?? 30
  const timings: RetryTimings = { ...DEFAULT_RETRY_TIMINGS, ...options.retryTimings }
  let autoAssignWorker: AutoAssignWorker | undefined
  let outboxWorker: OutboxWorker | undefined
  const mailTransport = createMailTransport(config.smtpUrl)
  let lanes: AdaptiveLanes | undefined
  if (options.workers !== false) {
    outboxWorker = startOutboxWorker({ db, transport: mailTransport, events })
    assignment.onEmailQueued = () => outboxWorker?.wake()
    const concurrency = options.workerConcurrency ?? 4
    // not on PGlite: its queries run on the event loop, so the lag there is the database's own work
    if (database.driver === 'postgres' && options.adaptiveLanes !== false)
      lanes = startAdaptiveLanes({ max: concurrency })
    autoAssignWorker = startAutoAssignWorker(assignment, jobs, {
      timings,
      cutoffMinutes: config.jobCutoffMinutes,
      concurrency,
      lanesAllowed: lanes?.allowed,
      expireInSeconds: jobExpireInSeconds,
    })
  }
  const directory = createRestaurantDirectory(db)
  // V3 runs on a small pool of its own: under an intake burst its round trips (about eight in a
  // row per booking) no longer wait behind every intake statement queued for the shared pool
  const v3Database = openSideDatabase(database, {
    poolSize: options.v3?.poolSize ?? 4,
    applicationName: 'maitre-v3',
    timeouts: options.databaseTimeouts,
  })
  // intake is created last (it is built on all of this): until then no request is in flight. Set
  // before V3's deps are copied from these, so every copy reads the one counter
  let intakeInFlight = () => 0
  assignment.intakeInFlight = () => intakeInFlight()
  const v3Resilience = createV3Resilience(database, events, {
    ...options.v3,
    redisUrl: config.redisUrl,
    now,
    bulkheadDb: v3Database.db,
  })
  const coordinator = createCoordinator({ ...assignment, db: v3Database.db }, v3Resilience, {
    timings,
    cutoffMinutes: config.jobCutoffMinutes,
    lockWaitMs: options.v3?.lockWaitMs,
  })
  // shadow reads and writes on V3's pool too (never a connection intake waits for), and waits
  // while intake answers requests
  const shadow = createShadowRunner(
    { ...assignment, db: v3Database.db },
    { timeoutMs: options.v3?.shadowTimeoutMs, busy: () => intakeInFlight() > 0 },
  )
  assignment.v3 = { coordinator, shadow }
  const scheduler = createScheduler({ db, now })
  const analytics = createAnalytics(database, {
    retentionMs: config.analyticsRawRetentionDays > 0 ? config.analyticsRawRetentionDays * 86_400_000 : null,
  })
  scheduler.every({
    name: 'analytics.rollup',
    intervalMs: 15_000,
    run: ({ now, signal }) => analytics.rollup(now, { signal }).then(() => {}),
  })
  const review = createReviewService(assignment)
  review.schedule(scheduler)
  if (options.workers !== false) scheduleAutoAssignMaintenance(scheduler, { db, jobs, events, jobExpireInSeconds })
  const alerts = createAlertService({
    db,
    reader: analytics,
    isCountMetric: (metric) =>
      ['count', 'seconds'].includes(analytics.list().find((m) => m.name === metric)?.unit ?? ''),
    events,
    notifier: createAlertNotifier({
      webhookUrl: config.alertWebhookUrl,
      emailTo: config.alertEmailTo,
      // mail that is not about a booking goes through the outbox (at most once per transition)
      sendEmail:
        options.sendAlertEmail ??
        (async (mail) => {
          await enqueueNotification(db, {
            kind: 'alert',
            recipient: mail.to,
            subject: mail.subject,
            body: mail.text,
            dedupeKey: mail.key,
          })
          outboxWorker?.wake()
        }),
    }),
  })
  await alerts.seed()
  scheduler.every({
    name: 'alerts.evaluate',
    intervalMs: 30_000,
    run: ({ now }) => alerts.evaluate(now).then(() => {}),
  })
  const ramps = createRampService({ db, flags, events, metrics: options.metricReader ?? analytics, now })
  registerRampRunner(scheduler, ramps)
  const bookings = createBookingService({
    ...assignment,
    jobs,
    jobExpireInSeconds,
    directory,
    onJobDue: () => autoAssignWorker?.wake(),
  })
  intakeInFlight = bookings.intakeInFlight
  let closing = false

  return {
    config,
    database,
    db,
    jobs,
    events,
    metrics,
    flags,
    ramps,
    flagControl: createFlagControl({ db, flags, ramps }),
    planCache,
    assignment,
    stateMachine: createStateMachine({ events }),
    v3: { coordinator, resilience: v3Resilience, shadow, report: createShadowReport(database, now) },
    restaurants: createRestaurantService(db, directory),
    bookings,
    auth: createAuthService(db, { now }),
    analytics,
    alerts,
    scheduler,
    review,
    quality: { latestSimulation: () => readLatestSimulation(config.dataDir) },
    isClosing: () => closing,
    async close() {
      if (closing) return
      closing = true
      await scheduler.stop()
      // attempts in flight finish; a job still running at the deadline is redelivered after expiry
      await autoAssignWorker?.stop(options.drainTimeoutMs ?? 4_000)
      lanes?.stop()
      await jobs.stop({ graceful: true, wait: true, timeout: 1_000 }).catch(() => {})
      await outboxWorker?.stop()
      await shadow.drain()
      await v3Resilience.close()
      await v3Database.close()
      await mailTransport.close()
      await flags.stop()
      await events.close()
      await database.close()
    },
  }
}
