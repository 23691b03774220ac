import type PgBoss from 'pg-boss'
import type { SqlExecutor } from '../db/prepared.ts'
import type { JobQueue } from './queue.ts'

/** What the handler decided about one delivery; the runner makes it so. */
export type JobSettlement =
  /** done; `next` is sent in the same transaction, so the work continues if and only if this one completes */
  | { kind: 'complete'; output?: Record<string, unknown>; next?: { data: object; options: PgBoss.SendOptions } }
  /** give the job back (the process is stopping): it is delivered again, to this or another process */
  | { kind: 'release'; reason: string }

export interface JobRunnerOptions<T> {
  queue: string
  /** parallel deliveries in this process */
  concurrency: number
  /** pause between polls of an empty queue */
  pollIntervalMs: number
  /** runs `work` in one database transaction and gives pg-boss its connection */
  transaction<R>(work: (sql: SqlExecutor) => Promise<R>): Promise<R>
  /**
   * Handles one delivery. It must not throw for a reason a retry would not fix; a throw is logged
   * and the job released, so a crashed attempt is retried rather than lost.
   */
  handle(job: PgBoss.JobWithMetadata<T>, signal: AbortSignal): Promise<JobSettlement>
  log?: (message: string) => void
  /** pauses between attempts to record a settlement while the database is away */
  settleRetryDelaysMs?: number[]
  /**
   * How many of the `concurrency` lanes may work (fetch and deliver) now, given how many do
   * (adaptive-lanes.ts follows the event loop's lag); a lane over it waits for another to finish
   * its delivery. Default: all of them, always.
   */
  lanesAllowed?: (working: number) => number
}

export interface JobRunner {
  /** polls now instead of after the interval (e.g. a job was just sent) */
  wake(): void
  /** deliveries running now */
  inFlight(): number
  /**
   * Stops polling and aborts the handlers' signal; waits up to `timeoutMs` for deliveries in
   * flight to settle, then releases the rest (they are delivered again later). Never throws.
   */
  stop(timeoutMs: number): Promise<void>
}

const DEFAULT_SETTLE_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000]
/** how often a held-back lane looks at lanesAllowed again when no delivery ended */
const LANE_RECHECK_MS = 20

/** Resolves after `ms`, or sooner when one of `waiters` is called (each call wakes one wait). */
function waitOrWake(waiters: Set<() => void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      waiters.delete(done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    waiters.add(done)
  })
}

/**
 * A pg-boss worker whose every database call is awaited and guarded. pg-boss 10's own `work()`
 * calls `complete`/`fail` without awaiting them: with the database away the rejection is unhandled
 * and Node ends the process. Here fetch errors mean "poll again later", and a settlement that
 * cannot be written is retried, then left to pg-boss's expiry (the job is delivered again; handlers
 * are idempotent). The loop never throws into the event loop, so the worker outlives any outage.
 */
export function startJobRunner<T>(boss: JobQueue, options: JobRunnerOptions<T>): JobRunner {
  const log = options.log ?? ((message: string) => console.error(`[jobs] ${message}`))
  const settleDelays = options.settleRetryDelaysMs ?? DEFAULT_SETTLE_DELAYS_MS
  const stopping = new AbortController()
  const active = new Set<Promise<void>>()
  const wakers = new Set<() => void>()
  let failingSince: number | null = null

  const pause = (ms: number) => waitOrWake(wakers, ms)

  async function settle(job: PgBoss.JobWithMetadata<T>, settlement: JobSettlement): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (settlement.kind === 'release') {
          await boss.fail(options.queue, job.id, { released: settlement.reason })
        } else if (!settlement.next) {
          // one statement is its own transaction: begin and commit would be two round trips more
          await boss.complete(options.queue, job.id, settlement.output ?? {})
        } else {
          const next = settlement.next
          await options.transaction(async (db) => {
            const id = await boss.send(options.queue, next.data, { ...next.options, db })
            if (!id) log(`${options.queue}: next job for ${job.id} not sent (one is already queued for its key)`)
            await boss.complete(options.queue, job.id, settlement.output ?? {}, { db })
          })
        }
        return
      } catch (error) {
        const delay = settleDelays[attempt]
        if (delay === undefined || stopping.signal.aborted) {
          // pg-boss expires the active job and delivers it again; nothing is lost
          log(`${options.queue}: could not settle job ${job.id}, left to expiry: ${(error as Error).message}`)
          return
        }
        await pause(delay)
      }
    }
  }

  async function deliver(job: PgBoss.JobWithMetadata<T>): Promise<void> {
    let settlement: JobSettlement
    try {
      settlement = await options.handle(job, stopping.signal)
    } catch (error) {
      log(`${options.queue}: job ${job.id} failed and is released for redelivery: ${(error as Error).message}`)
      settlement = { kind: 'release', reason: (error as Error).message }
    }
    await settle(job, settlement)
  }

  // lanes held back by lanesAllowed: woken when a delivery ends (or soon, to see a raised limit)
  const laneWaiters = new Set<() => void>()
  const laneFree = () => waitOrWake(laneWaiters, LANE_RECHECK_MS)

  // lanes fetching or delivering (a fetching lane counts: its job is about to be delivered)
  let working = 0

  async function lane(): Promise<void> {
    while (!stopping.signal.aborted) {
      if (options.lanesAllowed && working >= options.lanesAllowed(working)) {
        await laneFree()
        continue
      }
      working++
      let delivered = false
      try {
        delivered = await work()
      } finally {
        working--
        for (const wake of [...laneWaiters]) wake()
      }
      // an empty queue (or a failed poll): wait for the interval or a wake, holding no lane
      if (!delivered && !stopping.signal.aborted) await pause(options.pollIntervalMs)
    }
  }

  /** One turn of a lane: fetch a job and deliver it; false when there was none to deliver. */
  async function work(): Promise<boolean> {
    let jobs: PgBoss.JobWithMetadata<T>[] = []
    try {
      jobs = await boss.fetch<T>(options.queue, { batchSize: 1, includeMetadata: true })
      if (failingSince !== null) {
        log(`${options.queue}: polling again after ${Date.now() - failingSince} ms of errors`)
        failingSince = null
      }
    } catch (error) {
      if (failingSince === null) {
        failingSince = Date.now()
        log(`${options.queue}: poll failed, retrying every ${options.pollIntervalMs} ms: ${(error as Error).message}`)
      }
    }
    const job = jobs[0]
    if (!job) return false
    if (stopping.signal.aborted) {
      await settle(job, { kind: 'release', reason: 'worker stopping' })
      return true
    }
    const delivery = deliver(job)
    active.add(delivery)
    await delivery
    active.delete(delivery)
    return true
  }

  const lanes = Array.from({ length: Math.max(1, options.concurrency) }, () =>
    lane().catch((error) => log(`${options.queue}: worker lane ended: ${(error as Error).message}`)),
  )

  return {
    wake() {
      for (const wake of [...wakers]) wake()
    },
    inFlight: () => active.size,
    async stop(timeoutMs) {
      if (stopping.signal.aborted) return
      stopping.abort()
      for (const wake of [...wakers, ...laneWaiters]) wake()
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
      await Promise.race([Promise.allSettled(lanes), deadline])
      clearTimeout(timer)
    },
  }
}
