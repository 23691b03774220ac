import { and, count, eq } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { assignmentAttempts } from '../db/schema/assignment.ts'
import { bookings, type AutoAssignResult, type Booking } from '../db/schema/bookings.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { AssignmentDeps } from './assignment-deps.ts'
import { runAssignmentAttempt } from './attempt.ts'
import { OPEN_STATES, transitionBooking } from './booking-state.ts'
import { reasonCategory } from './reason-codes.ts'
import { legacyRetryPolicy, retryPolicyV2, type RetryPolicy, type RetryTimings } from './retry-policy.ts'

export const AUTO_ASSIGN_QUEUE = 'auto-assign'

export interface AutoAssignJobData {
  bookingId: string
  /** what the inline attempt did, so the job can reuse it (retry policy v2) */
  inline: AutoAssignResult | null
}

export type JobResult =
  'succeeded' | 'cutoff' | 'already_confirmed' | 'cancelled' | 'exhausted' | 'manual_review' | 'error'

export interface JobSummary {
  result: JobResult
  attemptsUsed: number
  maxAttempts: number
  reason: string | null
  totalDurationMs: number
}

export interface AutoAssignWorkerOptions {
  timings: RetryTimings
  /** attempts stop this long before the booking starts */
  cutoffMinutes: number
  /** parallel jobs in this process */
  concurrency: number
  /** seconds a delivery may run before pg-boss considers its process dead and delivers it again */
  expireInSeconds: number
  random?: () => number
}

class JobInterrupted extends Error {}

export async function enqueueAutoAssign(
  boss: JobQueue,
  data: AutoAssignJobData,
  expireInSeconds: number,
): Promise<string | null> {
  return boss.send(AUTO_ASSIGN_QUEUE, data, {
    singletonKey: data.bookingId,
    retryLimit: 5,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds,
  })
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new JobInterrupted('worker stopping'))
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new JobInterrupted('worker stopping'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

async function loadBooking(deps: AssignmentDeps, bookingId: string): Promise<Booking | undefined> {
  const [booking] = await deps.db.select().from(bookings).where(eq(bookings.id, bookingId))
  return booking
}

async function jobAttemptsSoFar(deps: AssignmentDeps, bookingId: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: count() })
    .from(assignmentAttempts)
    .where(and(eq(assignmentAttempts.bookingId, bookingId), eq(assignmentAttempts.trigger, 'job')))
  return Number(row?.n ?? 0)
}

async function sendToManualReview(deps: AssignmentDeps, booking: Booking, reason: string, result: AutoAssignResult) {
  await deps.db.transaction((tx) =>
    transitionBooking(tx, {
      bookingId: booking.id,
      from: OPEN_STATES,
      to: 'manual_review',
      reason,
      actor: 'auto_assign:job',
      set: { manualReviewReason: reason, autoAssignLastResult: result },
    }),
  )
}

/**
 * One delivery of a booking's background auto-assign. Attempt numbers continue across deliveries
 * (they are counted in assignment_attempts), so a delivery after a crash picks up where the dead
 * one stopped. Returns the summary; throws JobInterrupted when the worker is stopping.
 */
export async function runAutoAssignJob(
  deps: AssignmentDeps,
  data: AutoAssignJobData,
  options: AutoAssignWorkerOptions,
  signal: AbortSignal,
): Promise<JobSummary> {
  const started = performance.now()
  const random = options.random ?? Math.random
  let booking = await loadBooking(deps, data.bookingId)
  const context = { restaurantId: booking?.restaurantId ?? null, bookingId: data.bookingId }
  const policy: RetryPolicy = (await deps.flags.boolean('auto_assign.retry_policy_v2', context))
    ? retryPolicyV2(options.timings)
    : legacyRetryPolicy(options.timings)
  const maxAttempts = options.timings.maxAttempts
  let attemptsUsed = await jobAttemptsSoFar(deps, data.bookingId)
  const summary = (result: JobResult, reason: string | null): JobSummary => ({
    result,
    attemptsUsed,
    maxAttempts,
    reason,
    totalDurationMs: performance.now() - started,
  })
  const jobResultOf = (reason: string | null, success: boolean): AutoAssignResult => ({
    source: 'job',
    at: deps.now().toISOString(),
    success,
    reason,
    reasonCategory: reasonCategory(reason),
    strategy: policy.knobsFor(Math.max(1, attemptsUsed), data.inline),
    trigger: 'job',
    durationMs: performance.now() - started,
    attemptId: null,
    emailQueued: false,
  })

  if (!booking) return summary('error', 'BOOKING_NOT_FOUND')
  if (booking.status === 'confirmed') return summary('already_confirmed', null)
  if (booking.status === 'cancelled') return summary('cancelled', null)
  if (!OPEN_STATES.includes(booking.assignmentState)) return summary('manual_review', booking.manualReviewReason)

  if (attemptsUsed === 0 && policy.skipFirstAttempt(data.inline, deps.now())) {
    const reason = data.inline!.reason ?? 'UNKNOWN'
    await sendToManualReview(deps, booking, reason, jobResultOf(reason, false))
    return summary('manual_review', reason)
  }

  let lastReason: string | null = data.inline?.reason ?? null
  for (;;) {
    if (signal.aborted) throw new JobInterrupted('worker stopping')
    const cutoff = booking.startAt.getTime() - options.cutoffMinutes * 60_000
    if (deps.now().getTime() >= cutoff) {
      const reason = `CUTOFF${lastReason ? `:${lastReason}` : ''}`
      await sendToManualReview(deps, booking, reason, jobResultOf(lastReason, false))
      return summary('cutoff', lastReason)
    }
    if (attemptsUsed >= maxAttempts) {
      await sendToManualReview(deps, booking, lastReason ?? 'EXHAUSTED', jobResultOf(lastReason, false))
      return summary('exhausted', lastReason)
    }
    const attemptNumber = attemptsUsed + 1
    const attempt = await runAssignmentAttempt(deps, booking, {
      trigger: 'job',
      pipeline: 'legacy',
      attemptNumber,
      knobs: policy.knobsFor(attemptNumber, data.inline),
    })
    attemptsUsed = attemptNumber
    deps.faults?.afterJobAttempt?.(attemptNumber)
    if (attempt.success) return summary('succeeded', null)
    if (attempt.bookingNotPending) {
      const fresh = await loadBooking(deps, booking.id)
      return summary(fresh?.status === 'cancelled' ? 'cancelled' : 'already_confirmed', null)
    }
    lastReason = attempt.reason
    const decision = policy.afterFailure(attemptNumber, attempt.reasonCategory, random)
    if (!decision.retry) {
      const result: JobResult = decision.why === 'hard' ? 'manual_review' : 'exhausted'
      await sendToManualReview(deps, booking, lastReason ?? 'EXHAUSTED', jobResultOf(lastReason, false))
      return summary(result, lastReason)
    }
    await sleep(decision.delayMs, signal)
    const fresh = await loadBooking(deps, booking.id)
    if (!fresh) return summary('error', 'BOOKING_NOT_FOUND')
    if (fresh.status === 'confirmed') return summary('already_confirmed', null)
    if (fresh.status === 'cancelled') return summary('cancelled', null)
    booking = fresh
  }
}

/** Registers `concurrency` pg-boss workers for the auto-assign queue. */
export async function startAutoAssignWorker(deps: AssignmentDeps, boss: JobQueue, options: AutoAssignWorkerOptions) {
  const stopping = new AbortController()
  const workerIds: string[] = []

  const handle = async ([job]: PgBoss.JobWithMetadata<AutoAssignJobData>[]) => {
    if (!job) return
    let summary: JobSummary
    try {
      summary = await runAutoAssignJob(deps, job.data, options, stopping.signal)
    } catch (error) {
      if (error instanceof JobInterrupted) throw error // delivered again later; no summary yet
      summary = {
        result: 'error',
        attemptsUsed: 0,
        maxAttempts: options.timings.maxAttempts,
        reason: (error as Error).message,
        totalDurationMs: 0,
      }
      console.error(`[jobs] auto-assign ${job.data.bookingId} failed:`, error)
    }
    deps.metrics.jobResults.inc({ result: summary.result })
    deps.metrics.jobAttempts.observe({ result: summary.result }, summary.attemptsUsed)
    const [booking] = await deps.db
      .select({ restaurantId: bookings.restaurantId })
      .from(bookings)
      .where(eq(bookings.id, job.data.bookingId))
    deps.events.record({
      type: 'auto_assign.summary',
      source: 'job',
      severity: summary.result === 'succeeded' || summary.result === 'already_confirmed' ? 'info' : 'warning',
      restaurantId: booking?.restaurantId ?? null,
      bookingId: job.data.bookingId,
      context: {
        job_id: job.id,
        delivery: job.retryCount + 1,
        attempts_used: summary.attemptsUsed,
        max_attempts: summary.maxAttempts,
        result: summary.result,
        reason: summary.reason,
        reason_category: reasonCategory(summary.reason),
        total_duration_ms: summary.totalDurationMs,
        inline: job.data.inline
          ? {
              success: job.data.inline.success,
              reason: job.data.inline.reason,
              reason_category: job.data.inline.reasonCategory,
              duration_ms: job.data.inline.durationMs,
              timed_out: job.data.inline.reason === 'TIMEOUT',
            }
          : null,
      },
    })
    return summary
  }

  for (let index = 0; index < options.concurrency; index++) {
    workerIds.push(
      await boss.work<AutoAssignJobData>(
        AUTO_ASSIGN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true },
        handle,
      ),
    )
  }
  return {
    /** interrupts sleeping jobs (they are delivered again later) and stops polling */
    async stop() {
      stopping.abort()
      await Promise.all(workerIds.map((id) => boss.offWork({ id }).catch(() => {})))
    },
  }
}

export type AutoAssignWorker = Awaited<ReturnType<typeof startAutoAssignWorker>>
