import PgBoss from 'pg-boss'
import type { DatabaseHandle } from '../db/client.ts'

export type JobQueue = PgBoss

export interface JobQueueOptions {
  /**
   * pg-boss maintenance: among other things it expires active jobs whose process died, so a dead
   * worker's job is delivered again within expireInSeconds + this. Default 15 s.
   */
  maintenanceIntervalSeconds?: number | undefined
  log?: (message: string) => void
}

/**
 * pg-boss on the application's own database. Its `db` option takes anything with
 * executeSql, which is how it runs on PGlite as well as on a Postgres pool.
 *
 * Do not use `boss.work()`: pg-boss 10 completes and fails jobs there without awaiting the
 * promise, and with the database away the rejection ends the process. Workers go through
 * startJobRunner (server/jobs/job-runner.ts), which awaits and retries every call.
 */
export async function startJobQueue(handle: DatabaseHandle, options: JobQueueOptions = {}): Promise<JobQueue> {
  const log = options.log ?? ((message: string) => console.error(message))
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => handle.executeSql(text, values) },
    schema: 'pgboss',
    supervise: true,
    // cron scheduling needs a clock monitor per process; only multi-process Postgres needs it
    schedule: handle.driver === 'postgres',
    migrate: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 15,
  })
  // maintenance and clock errors repeat every tick while the database is away: one line in 30 s
  let lastLoggedAt = 0
  let suppressed = 0
  boss.on('error', (error: Error) => {
    if (Date.now() - lastLoggedAt < 30_000) return void suppressed++
    log(`[jobs] pg-boss: ${error.message}${suppressed ? ` (${suppressed} more since the last report)` : ''}`)
    lastLoggedAt = Date.now()
    suppressed = 0
  })
  await boss.start()
  return boss
}

/** Creates the queue when missing; pg-boss 10 needs a queue before send or work. */
export async function ensureQueue(
  boss: JobQueue,
  name: string,
  options: Omit<PgBoss.Queue, 'name'> = {},
): Promise<void> {
  const existing = await boss.getQueue(name)
  if (!existing) await boss.createQueue(name, { name, ...options })
}
