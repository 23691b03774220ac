import type { Database } from '../db/client.ts'
import { sqlExecutorOf } from '../db/prepared.ts'
import { findBookingsWithoutLiveJob, purgeStaleAutoAssignResults } from '../db/queries/auto-assign-jobs.ts'
import { AUTO_ASSIGN_QUEUE, enqueueAutoAssign } from '../assignment/auto-assign-job.ts'
import { OPEN_STATES } from '../assignment/booking-state.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import type { Scheduler, TaskContext } from '../scheduling/scheduler.ts'
import type { JobQueue } from './queue.ts'

export const AUTO_ASSIGN_SWEEP_TASK = 'jobs.auto_assign_sweep'
export const PURGE_STALE_RESULTS_TASK = 'bookings.purge_stale_auto_assign_results'

export interface SweepOptions {
  db: Database
  jobs: JobQueue
  events: EventRecorder
  jobExpireInSeconds: number
  /** a booking younger than this is left alone: its intake may still be committing */
  graceMs?: number
  /** bookings re-enqueued per run at most */
  batchSize?: number
}

/**
 * Sends a job to every open booking that has none (a crash between two steps, a job that used up
 * pg-boss's retries, a job lost with a restored backup). Safe to run anywhere, any time: the
 * stately queue keeps one waiting job per booking, so a sweep racing a worker sends nothing twice.
 * Returns the bookings it re-enqueued.
 */
export async function sweepOrphanedBookings(options: SweepOptions, now: Date): Promise<string[]> {
  const db = sqlExecutorOf(options.db)
  const orphans = await findBookingsWithoutLiveJob(db, {
    queue: AUTO_ASSIGN_QUEUE,
    openStates: OPEN_STATES,
    createdBefore: new Date(now.getTime() - (options.graceMs ?? 60_000)),
    limit: options.batchSize ?? 500,
  })
  const sent: string[] = []
  for (const bookingId of orphans) {
    const id = await enqueueAutoAssign(
      options.jobs,
      db,
      { bookingId, inline: null },
      { expireInSeconds: options.jobExpireInSeconds },
    )
    if (!id) continue
    sent.push(bookingId)
    options.events.record({
      type: 'auto_assign.requeued',
      source: 'sweep',
      severity: 'warning',
      bookingId,
      context: { job_id: id },
    })
  }
  return sent
}

/** Registers the sweep (every 30 s) and the purge of auto_assign_last_result older than 24 h (hourly). */
export function scheduleAutoAssignMaintenance(scheduler: Scheduler, options: SweepOptions): void {
  scheduler.every({
    name: AUTO_ASSIGN_SWEEP_TASK,
    intervalMs: 30_000,
    run: async ({ now }: TaskContext) => {
      await sweepOrphanedBookings(options, now)
    },
  })
  scheduler.every({
    name: PURGE_STALE_RESULTS_TASK,
    intervalMs: 60 * 60_000,
    run: async ({ now, signal }: TaskContext) => {
      const olderThan = new Date(now.getTime() - 24 * 60 * 60_000)
      // short statements until the backlog is gone, so no run holds many row locks at once
      while (!signal.aborted && (await purgeStaleAutoAssignResults(sqlExecutorOf(options.db), olderThan, 1_000)) > 0);
    },
  })
}
