import { eq } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { ANALYTICS_EVENTS } from '../analytics/series.ts'
import type { Executor } from '../db/client.ts'
import { sqlExecutorOf, type SqlExecutor } from '../db/prepared.ts'
import { countJobAndPipelineAttempts } from '../db/queries/assignment-v3.ts'
import { bookings, type AutoAssignResult, type Booking } from '../db/schema/bookings.ts'
import { startJobRunner, type JobRunner, type JobSettlement } from '../jobs/job-runner.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { AssignmentDeps } from './assignment-deps.ts'
import { runAssignmentAttempt } from './attempt.ts'
import { selectPipeline } from './pipelines/select.ts'
import { runV3JobAttempt } from './pipelines/v3/job-attempt.ts'
import type { Pipeline } from './vocabulary.ts'
import { OPEN_STATES, transitionBooking } from './booking-state.ts'
import { reasonCategory } from './reason-codes.ts'
import {
  legacyRetryPolicy,
  relaxesKnobs,
  retryPolicyV2,
  stopDecisionOf,
  type RetryDecisionName,
  type RetryPolicy,
  type RetryTimings,
} from './retry-policy.ts'

export const AUTO_ASSIGN_QUEUE = 'auto-assign'

export interface AutoAssignJobData {
  bookingId: string
  /**
   * What the inline attempt did, when the sender knew it. The first job is written with the
   * booking, before the inline attempt runs, so it is null there and the job reads the booking's
   * auto_assign_last_result instead; later jobs carry it forward.
   */
  inline: AutoAssignResult | null
  /** when the first job attempt started (ISO), for the summary's total duration */
  startedAt?: string
}

/**
 * What one attempt for a booking came to. The job code turns it into "complete", or "complete and
 * send the next job with startAfter"; a pipeline only has to produce one of these.
 */
export type AttemptOutcome = (
  | { kind: 'confirmed'; attemptsUsed: number }
  | { kind: 'retry'; delayMs: number; reason: string | null; attemptsUsed: number }
  | {
      kind: 'manual_review'
      result: 'manual_review' | 'exhausted' | 'cutoff'
      /** the reason stored on the booking */
      reviewReason: string
      reason: string | null
      attemptsUsed: number
      lastResult: AutoAssignResult
    }
  | {
      kind: 'terminal'
      result: 'already_confirmed' | 'cancelled' | 'already_in_review' | 'error'
      reason: string | null
      attemptsUsed: number
    }
) & {
  pipeline?: Pipeline
  /** retry policy v2's decisions behind a manual_review outcome, recorded once the move to review commits */
  retryDecisions?: RetryDecisionNote[]
}

/** One decision of retry policy v2 about a job attempt, for auto_assign.retry_decision. */
export interface RetryDecisionNote {
  decision: RetryDecisionName
  attemptNumber: number
  reason: string | null
}

export type JobResult =
  | 'succeeded'
  | 'cutoff'
  | 'already_confirmed'
  | 'cancelled'
  | 'exhausted'
  | 'manual_review'
  | 'already_in_review'
  | 'error'

export interface AutoAssignWorkerOptions {
  timings: RetryTimings
  /** attempts stop this long before the booking starts */
  cutoffMinutes: number
  /** parallel jobs in this process */
  concurrency: number
  /** seconds a delivery may stay active before pg-boss considers its process dead and delivers it again */
  expireInSeconds: number
  /** pause between polls of an empty queue; default 500 ms */
  pollIntervalMs?: number
  /** how many of the `concurrency` lanes may work now (server/jobs/adaptive-lanes.ts); default all */
  lanesAllowed?: (working: number) => number
  random?: () => number
}

export interface AttemptRunOptions {
  timings: RetryTimings
  cutoffMinutes: number
  random?: () => number
}

/** pg-boss options of every auto-assign job: one live job of each state per booking (stately queue). */
export function autoAssignSendOptions(
  bookingId: string,
  expireInSeconds: number,
  startAfter?: Date,
): PgBoss.SendOptions {
  return {
    singletonKey: bookingId,
    // a job is one attempt: a failure here is a crash or a stop, never "no table", so redeliver
    retryLimit: 10,
    retryDelay: 1,
    retryBackoff: true,
    expireInSeconds,
    ...(startAfter ? { startAfter } : {}),
  }
}

/**
 * Sends a booking's auto-assign job on `db`: the engine database, or the caller's transaction
 * (sqlExecutorOf(tx)) so the job exists if and only if that transaction commits. Returns the job
 * id, or null when the booking already has a job waiting.
 */
export async function enqueueAutoAssign(
  boss: JobQueue,
  db: SqlExecutor,
  data: AutoAssignJobData,
  options: { expireInSeconds: number; startAfter?: Date },
): Promise<string | null> {
  return boss.send(AUTO_ASSIGN_QUEUE, data, {
    ...autoAssignSendOptions(data.bookingId, options.expireInSeconds, options.startAfter),
    db,
  })
}

async function loadBooking(db: Executor, bookingId: string): Promise<Booking | undefined> {
  const [booking] = await db.select().from(bookings).where(eq(bookings.id, bookingId))
  return booking
}

async function policyFor(
  deps: AssignmentDeps,
  booking: Booking | undefined,
  timings: RetryTimings,
): Promise<RetryPolicy> {
  const context = { restaurantId: booking?.restaurantId ?? null, bookingId: booking?.id ?? null }
  return (await deps.flags.boolean('auto_assign.retry_policy_v2', context))
    ? retryPolicyV2(timings)
    : legacyRetryPolicy(timings)
}

/** Records what retry policy v2 decided about a job attempt (auto_assign.retry_decision). */
function recordRetryDecision(
  deps: AssignmentDeps,
  booking: Pick<Booking, 'id' | 'restaurantId'>,
  note: RetryDecisionNote,
): void {
  deps.events.record({
    type: ANALYTICS_EVENTS.retryDecision,
    source: 'job',
    restaurantId: booking.restaurantId,
    bookingId: booking.id,
    context: {
      decision: note.decision,
      policy: 'v2',
      attempt_number: note.attemptNumber,
      reason: note.reason,
      // the legacy job is the only producer (V3's job runs the coordinator, which has its own policy events)
      pipeline: 'legacy' satisfies Pipeline,
    },
  })
}

/** The inline attempt's result: carried by the job, or read from the booking the first time. */
function inlineResultOf(data: AutoAssignJobData, booking: Booking): AutoAssignResult | null {
  if (data.inline) return data.inline
  const last = booking.autoAssignLastResult
  return last?.source === 'inline' ? last : null
}

/**
 * One background attempt for a booking, under the retry policy (server/assignment/retry-policy.ts):
 * reads the booking, stops when it is no longer open or past the cutoff, makes attempt n+1
 * (attempts are counted in assignment_attempts, so numbering continues across jobs and crashes)
 * and says what comes next. It never sleeps: a retry is the next job, due after `delayMs`.
 */
export async function runAutoAssignAttempt(
  deps: AssignmentDeps,
  data: AutoAssignJobData,
  options: AttemptRunOptions,
): Promise<AttemptOutcome> {
  // read together: one round trip of waiting instead of two (the count of a missing booking is 0);
  // V3's count comes with it, for the coordinator (it would read both again beside its lock)
  const [booking, counted] = await Promise.all([
    loadBooking(deps.db, data.bookingId),
    countJobAndPipelineAttempts(deps.db, { bookingId: data.bookingId, jobTrigger: 'job', pipeline: 'v3' }),
  ])
  const attemptsSoFar = counted.byJob
  if (!booking) return { kind: 'terminal', result: 'error', reason: 'BOOKING_NOT_FOUND', attemptsUsed: 0 }
  if (booking.status === 'confirmed')
    return { kind: 'terminal', result: 'already_confirmed', reason: null, attemptsUsed: attemptsSoFar }
  if (booking.status === 'cancelled')
    return { kind: 'terminal', result: 'cancelled', reason: null, attemptsUsed: attemptsSoFar }
  if (!OPEN_STATES.includes(booking.assignmentState)) {
    // e.g. a redelivery after the booking went to manual review: someone already decided
    const result = booking.assignmentState === 'manual_review' ? 'already_in_review' : 'error'
    return { kind: 'terminal', result, reason: booking.manualReviewReason, attemptsUsed: attemptsSoFar }
  }

  const coordinator = deps.v3?.coordinator
  if (coordinator && (await selectPipeline(deps.flags, booking)).pipeline === 'v3')
    return runV3JobAttempt(deps, coordinator, { booking, pipelineAttempts: counted.byPipeline }, attemptsSoFar)

  const policy = await policyFor(deps, booking, options.timings)
  const inline = inlineResultOf(data, booking)
  const lastReason = booking.autoAssignLastResult?.reason ?? inline?.reason ?? null
  const started = performance.now()
  const resultOf = (reason: string | null, attemptsUsed: number): AutoAssignResult => ({
    source: 'job',
    at: deps.now().toISOString(),
    success: false,
    reason,
    reasonCategory: reasonCategory(reason),
    strategy: policy.knobsFor(Math.max(1, attemptsUsed), inline),
    trigger: 'job',
    durationMs: performance.now() - started,
    attemptId: null,
    emailQueued: false,
  })
  const review = (
    result: 'manual_review' | 'exhausted' | 'cutoff',
    reviewReason: string,
    reason: string | null,
    attemptsUsed: number,
  ): AttemptOutcome => ({
    kind: 'manual_review',
    result,
    reviewReason,
    reason,
    attemptsUsed,
    lastResult: resultOf(reason, attemptsUsed),
  })

  if (attemptsSoFar === 0 && policy.skipFirstAttempt(inline, deps.now())) {
    const reason = inline!.reason ?? 'UNKNOWN'
    return {
      ...review('manual_review', reason, reason, 0),
      retryDecisions: [{ decision: 'skip_first_attempt', attemptNumber: 1, reason: inline!.reason }],
    }
  }
  const cutoff = booking.startAt.getTime() - options.cutoffMinutes * 60_000
  if (deps.now().getTime() >= cutoff)
    return review('cutoff', `CUTOFF${lastReason ? `:${lastReason}` : ''}`, lastReason, attemptsSoFar)
  if (attemptsSoFar >= options.timings.maxAttempts)
    return review('exhausted', lastReason ?? 'EXHAUSTED', lastReason, attemptsSoFar)

  const attemptNumber = attemptsSoFar + 1
  const knobs = policy.knobsFor(attemptNumber, inline)
  const attempt = await runAssignmentAttempt(deps, booking, {
    trigger: 'job',
    pipeline: 'legacy',
    attemptNumber,
    knobs,
  })
  deps.faults?.afterJobAttempt?.(attemptNumber)
  // recorded once the attempt row exists: a redelivery numbers its attempt n+1 and does not relax again
  if (policy.version === 'v2' && relaxesKnobs(knobs))
    recordRetryDecision(deps, booking, {
      decision: 'relax_after_timeout',
      attemptNumber,
      reason: inline?.reason ?? null,
    })
  if (attempt.success) return { kind: 'confirmed', attemptsUsed: attemptNumber }
  if (attempt.bookingNotPending) {
    const fresh = await loadBooking(deps.db, booking.id)
    return {
      kind: 'terminal',
      result: fresh?.status === 'cancelled' ? 'cancelled' : 'already_confirmed',
      reason: null,
      attemptsUsed: attemptNumber,
    }
  }
  const decision = policy.afterFailure(attemptNumber, attempt.reasonCategory, options.random ?? Math.random)
  const stop = stopDecisionOf(policy, decision, attempt.reasonCategory, attemptNumber, options.timings)
  if (decision.retry)
    return { kind: 'retry', delayMs: decision.delayMs, reason: attempt.reason, attemptsUsed: attemptNumber }
  return {
    ...review(
      decision.why === 'hard' ? 'manual_review' : 'exhausted',
      attempt.reason ?? 'EXHAUSTED',
      attempt.reason,
      attemptNumber,
    ),
    retryDecisions: stop ? [{ decision: stop, attemptNumber, reason: attempt.reason }] : [],
  }
}

/** The inline attempt's result as the booking recorded it (the first job is sent before it exists). */
async function inlineResultFromBooking(
  deps: AssignmentDeps,
  data: AutoAssignJobData,
): Promise<AutoAssignResult | null> {
  const booking = await loadBooking(deps.db, data.bookingId)
  return booking ? inlineResultOf(data, booking) : null
}

/** Moves the booking to manual review; null when someone else moved it first. */
async function sendToManualReview(
  deps: AssignmentDeps,
  bookingId: string,
  outcome: AttemptOutcome & { kind: 'manual_review' },
) {
  const moved = await deps.db.transaction((tx) =>
    transitionBooking(tx, {
      bookingId,
      from: OPEN_STATES,
      to: 'manual_review',
      reason: outcome.reviewReason,
      actor: 'auto_assign:job',
      set: { manualReviewReason: outcome.reviewReason, autoAssignLastResult: outcome.lastResult },
      pipeline: outcome.pipeline ?? 'legacy',
      events: deps.events,
    }),
  )
  return moved
}

function jobResultOf(outcome: AttemptOutcome): JobResult {
  if (outcome.kind === 'confirmed') return 'succeeded'
  if (outcome.kind === 'manual_review') return outcome.result
  if (outcome.kind === 'terminal') return outcome.result
  return 'error'
}

/** Records the end of a booking's job chain: metrics, the summary, and auto_assign.failed when unseated. */
async function recordChainEnd(
  deps: AssignmentDeps,
  job: PgBoss.JobWithMetadata<AutoAssignJobData>,
  outcome: Exclude<AttemptOutcome, { kind: 'retry' }>,
  maxAttempts: number,
): Promise<void> {
  const result = jobResultOf(outcome)
  const reason = outcome.kind === 'confirmed' ? null : outcome.reason
  deps.metrics.jobResults.inc({ result })
  deps.metrics.jobAttempts.observe({ result }, outcome.attemptsUsed)
  // telemetry must not turn a finished job into a redelivery: without the row, fields stay empty
  const [booking] = await deps.db
    .select({ restaurantId: bookings.restaurantId, createdAt: bookings.createdAt })
    .from(bookings)
    .where(eq(bookings.id, job.data.bookingId))
    .catch(() => [])
  const since = job.data.startedAt ? new Date(job.data.startedAt) : booking?.createdAt
  const inline = job.data.inline
  const context = {
    job_id: job.id,
    delivery: job.retryCount + 1,
    attempts_used: outcome.attemptsUsed,
    max_attempts: maxAttempts,
    result,
    reason,
    reason_category: reasonCategory(reason),
    total_duration_ms: since ? Math.max(0, deps.now().getTime() - since.getTime()) : 0,
    pipeline: outcome.pipeline ?? 'legacy',
    inline: inline
      ? {
          success: inline.success,
          reason: inline.reason,
          reason_category: inline.reasonCategory,
          duration_ms: inline.durationMs,
          timed_out: inline.reason === 'TIMEOUT',
        }
      : null,
  }
  const seated = result === 'succeeded' || result === 'already_confirmed'
  const common = { source: 'job', restaurantId: booking?.restaurantId ?? null, bookingId: job.data.bookingId }
  deps.events.record({ ...common, type: 'auto_assign.summary', severity: seated ? 'info' : 'warning', context })
  // a cancelled booking was not failed by the engine: dashboards count only what we left unseated
  if (!seated && result !== 'cancelled')
    deps.events.record({ ...common, type: 'auto_assign.failed', severity: 'warning', context })
}

/**
 * Turns one delivery into a settlement: run the attempt, then complete the job, or complete it and
 * send the next one due after the policy's delay. Only what a retry would fix escapes as a throw
 * (the database away): the runner releases the job and it is delivered again.
 */
export async function handleAutoAssignJob(
  deps: AssignmentDeps,
  job: PgBoss.JobWithMetadata<AutoAssignJobData>,
  options: AutoAssignWorkerOptions,
): Promise<JobSettlement> {
  const outcome = await runAutoAssignAttempt(deps, job.data, options)
  // the first job of a booking seated inline: nothing to retry and nothing to report
  if (outcome.kind === 'terminal' && outcome.result === 'already_confirmed' && outcome.attemptsUsed === 0)
    return { kind: 'complete', output: { result: 'seated_inline' } }
  const inline = job.data.inline ?? (await inlineResultFromBooking(deps, job.data))
  if (outcome.kind === 'retry') {
    const data: AutoAssignJobData = {
      bookingId: job.data.bookingId,
      inline,
      startedAt: job.data.startedAt ?? deps.now().toISOString(),
    }
    const startAfter = new Date(Date.now() + outcome.delayMs)
    return {
      kind: 'complete',
      output: { result: 'retry_scheduled', attempts_used: outcome.attemptsUsed, delay_ms: outcome.delayMs },
      next: { data, options: autoAssignSendOptions(data.bookingId, options.expireInSeconds, startAfter) },
    }
  }
  if (outcome.kind === 'manual_review') {
    const moved = await sendToManualReview(deps, job.data.bookingId, outcome)
    // after the move commits, and only by the delivery that made it: a redelivery records nothing twice
    if (moved) for (const note of outcome.retryDecisions ?? []) recordRetryDecision(deps, moved, note)
  }
  // a redelivery after the review transition: the delivery that made it already reported the end
  const reported = outcome.kind === 'terminal' && outcome.result === 'already_in_review'
  if (!reported)
    await recordChainEnd(deps, { ...job, data: { ...job.data, inline } }, outcome, options.timings.maxAttempts)
  return { kind: 'complete', output: { result: jobResultOf(outcome), attempts_used: outcome.attemptsUsed } }
}

/** Starts this process's auto-assign workers (a guarded pg-boss runner, see server/jobs/job-runner.ts). */
export function startAutoAssignWorker(
  deps: AssignmentDeps,
  boss: JobQueue,
  options: AutoAssignWorkerOptions,
): JobRunner {
  return startJobRunner<AutoAssignJobData>(boss, {
    queue: AUTO_ASSIGN_QUEUE,
    concurrency: options.concurrency,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    lanesAllowed: options.lanesAllowed,
    transaction: (work) => deps.db.transaction((tx) => work(sqlExecutorOf(tx))),
    handle: (job) => handleAutoAssignJob(deps, job, options),
  })
}

export type AutoAssignWorker = JobRunner
