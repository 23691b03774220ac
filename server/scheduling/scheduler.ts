import crypto from 'node:crypto'
import type { Database } from '../db/client.ts'
import { claimLease, markLeaseRun, releaseLeases } from '../db/queries/scheduler-leases.ts'

export interface ScheduledTask {
  /** unique across the deployment, e.g. 'jobs.sweep', 'analytics.rollup', 'flags.ramps' */
  name: string
  /** time between the end of one run and the next attempt */
  intervalMs: number
  /** how long a lease lasts without renewal; default 3 x intervalMs, at least 10 s */
  leaseMs?: number
  run(context: TaskContext): Promise<void>
}

export interface TaskContext {
  /** the scheduler's clock (tests inject a fake one) */
  now: Date
  /** aborted when the scheduler stops: long tasks should check it between steps */
  signal: AbortSignal
}

export interface Scheduler {
  /** this process's owner id in scheduler_leases */
  readonly id: string
  /** registers a task; it first runs after one interval */
  every(task: ScheduledTask): void
  /**
   * Runs a registered task now if this process can take its lease. Resolves to true when it ran.
   * Tests and tools use it instead of waiting for the timer.
   */
  runNow(name: string): Promise<boolean>
  /** stops the timers, waits for running tasks and gives up this process's leases */
  stop(): Promise<void>
}

export interface SchedulerOptions {
  db: Database
  now?: () => Date
  /** defaults to a random id; two schedulers on one database must differ */
  id?: string
  log?: (message: string) => void
}

/**
 * Periodic work on both drivers, one runner per task across every process on the database.
 *
 * Policy: before each run a process claims the task's lease (server/db/queries/scheduler-leases.ts)
 * and runs only when it holds it; the holder renews it on every run, so it keeps the task while
 * alive, and a process that dies loses it when the lease expires (3 intervals by default). A failing
 * run (a database outage included) is logged once per streak and retried at the next interval: the
 * scheduler never throws into the event loop and never stops by itself. The same code runs on PGlite
 * (one process) and Postgres (many), so there is one path to test; see docs/decisions/011.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const id = options.id ?? `scheduler-${crypto.randomUUID()}`
  const now = options.now ?? (() => new Date())
  const log = options.log ?? ((message: string) => console.error(message))
  const tasks = new Map<string, ScheduledTask>()
  const timers = new Map<string, NodeJS.Timeout>()
  const running = new Map<string, Promise<boolean>>()
  const failing = new Set<string>()
  const controller = new AbortController()
  let stopped = false

  const leaseMsOf = (task: ScheduledTask) => task.leaseMs ?? Math.max(10_000, task.intervalMs * 3)

  async function runOnce(task: ScheduledTask): Promise<boolean> {
    try {
      const held = await claimLease(options.db, { name: task.name, owner: id, leaseMs: leaseMsOf(task) })
      if (!held || stopped) return false
      await task.run({ now: now(), signal: controller.signal })
      await markLeaseRun(options.db, { name: task.name, owner: id })
      if (failing.delete(task.name)) log(`[scheduler] ${task.name} is running again`)
      return true
    } catch (error) {
      if (!failing.has(task.name)) {
        failing.add(task.name)
        log(`[scheduler] ${task.name} failed, retrying every ${task.intervalMs} ms: ${(error as Error).message}`)
      }
      return false
    }
  }

  function runExclusive(task: ScheduledTask): Promise<boolean> {
    // one run of a task at a time in this process: a slow run delays the next, never overlaps it
    const current = running.get(task.name)
    if (current) return current
    const run = runOnce(task).finally(() => running.delete(task.name))
    running.set(task.name, run)
    return run
  }

  function schedule(task: ScheduledTask): void {
    if (stopped) return
    const timer = setTimeout(() => {
      void runExclusive(task).finally(() => schedule(task))
    }, task.intervalMs)
    timer.unref()
    timers.set(task.name, timer)
  }

  return {
    id,
    every(task) {
      if (tasks.has(task.name))
        throw new Error(`Scheduled task ${task.name} is registered twice; give each task its own name.`)
      tasks.set(task.name, task)
      schedule(task)
    },
    async runNow(name) {
      const task = tasks.get(name)
      if (!task) throw new Error(`No scheduled task named ${name}; register it with scheduler.every() first.`)
      return runExclusive(task)
    },
    async stop() {
      if (stopped) return
      stopped = true
      controller.abort()
      for (const timer of timers.values()) clearTimeout(timer)
      await Promise.allSettled([...running.values()])
      await releaseLeases(options.db, id).catch(() => {})
    },
  }
}
