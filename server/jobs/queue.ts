import PgBoss from 'pg-boss'
import type { DatabaseHandle } from '../db/client.ts'

export type JobQueue = PgBoss

/**
 * pg-boss on the application's own database. Its `db` option takes anything with
 * executeSql, which is how it runs on PGlite as well as on a Postgres pool.
 */
export async function startJobQueue(
  handle: DatabaseHandle,
  options: { maintenanceIntervalSeconds?: number | undefined } = {},
): Promise<JobQueue> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => handle.executeSql(text, values) },
    schema: 'pgboss',
    supervise: true,
    // cron scheduling needs a clock monitor per process; only multi-process Postgres needs it
    schedule: handle.driver === 'postgres',
    migrate: true,
    ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
  })
  boss.on('error', (error: Error) => console.error('[jobs]', error.message))
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
