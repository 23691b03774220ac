// unexpected errors carry the failed statement's parameters (recipients): log them redacted
import { redactForLog } from '../http/log-redaction.ts'
import type { Executor } from '../db/client.ts'
import type { EngineEvent } from '../observability/event-recorder.ts'
import type { EventType } from '../observability/event-catalog.ts'
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts'
import { toMailSendError } from './mail-errors.ts'
import type { MailMessage, MailTransport } from './mail-transport.ts'
import { CANCELLATION_KIND, CONFIRMATION_KIND } from './confirmation-email.ts'
import {
  claimDueEmails,
  deferClaimed,
  markFailedAttempt,
  markSentMany,
  markSkipped,
  type ClaimedEmail,
} from './outbox-queries.ts'

export interface OutboxWorkerOptions {
  db: Executor
  transport: MailTransport
  events: { record(event: EngineEvent): void }
  /** pause between polls when there is nothing to do; default 1000 ms */
  pollIntervalMs?: number
  /** rows claimed per batch; default 20 */
  batchSize?: number
  /** delivery attempts before a row is marked failed; default 8 */
  maxAttempts?: number
  /** how long a claim is exclusive; default 5 min (must exceed a batch's worst-case send time) */
  leaseMs?: number
  /** parallel sends within a batch; default 4 */
  concurrency?: number
  /**
   * wake() polls after this pause, so a burst of confirmations goes out as one batch rather than
   * one claim per email; default 50 ms
   */
  wakeDelayMs?: number
  backoff?: BackoffOptions
  /** start polling at once (default true); false = only drainOnce() sends */
  autoStart?: boolean
  now?: () => Date
  random?: () => number
  log?: (message: string) => void
}

export interface DrainResult {
  sent: number
  failed: number
  retried: number
  /** not sent on purpose (a confirmation of a cancelled booking, or its needless cancellation); absent when none */
  skipped?: number
}

export interface OutboxWorker {
  /** Claims and sends everything due now, batch after batch; resolves with what happened. */
  drainOnce(): Promise<DrainResult>
  /** Poll now rather than after the interval (e.g. right after a confirmation committed); no-op with autoStart false. */
  wake(): void
  /** Stops polling and waits for the batch in flight; the caller closes the transport afterwards. */
  stop(): Promise<void>
}

const SOURCE = 'outbox'
const MAX_BATCHES_PER_DRAIN = 50
const MARK_SENT_RETRY_DELAYS_MS = [50, 250, 1_000]
/** a cancellation email waits this long between looks at its confirmation's fate */
const CANCELLATION_WAIT_MS = 5_000

/** a message the transport accepted, to be marked sent with the rest of its batch */
interface Delivered {
  email: ClaimedEmail
  transportId: string
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function toMessage(email: ClaimedEmail): MailMessage {
  return {
    to: email.recipient,
    subject: email.subject,
    text: email.body,
    // stable across retries and workers: a receiver can drop a repeated delivery
    messageId: `<${email.id}@outbox.maitre>`,
    headers: {
      ...(email.bookingId ? { 'X-Maitre-Booking-Id': email.bookingId } : {}),
      'X-Maitre-Email-Kind': email.kind,
    },
  }
}

/**
 * The outbox worker: claims due rows (lease + SKIP LOCKED, see outbox-queries), sends them through
 * the transport and records the result. Any number of workers, in any number of processes, may run
 * against one database. Errors are logged and recorded as events; they never escape the loop.
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, transport, events } = options
  const pollIntervalMs = options.pollIntervalMs ?? 1_000
  const batchSize = options.batchSize ?? 20
  const maxAttempts = options.maxAttempts ?? 8
  const leaseMs = options.leaseMs ?? 5 * 60_000
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const wakeDelayMs = Math.max(0, options.wakeDelayMs ?? 50)
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff }
  const now = options.now ?? (() => new Date())
  const random = options.random ?? Math.random
  const log = options.log ?? ((message: string) => console.error(`[outbox] ${message}`))

  const polling = options.autoStart ?? true
  let stopped = false
  /** the last drain stopped at MAX_BATCHES_PER_DRAIN with rows still due */
  let backlog = false
  let timer: NodeJS.Timeout | undefined
  let ticking = false
  let wakeRequested = false
  let wakeScheduled = false
  // drains run one at a time per worker; stop() awaits the tail
  let tail: Promise<unknown> = Promise.resolve()

  function record(
    type: EventType,
    email: ClaimedEmail,
    context: Record<string, unknown>,
    severity?: EngineEvent['severity'],
  ) {
    try {
      events.record({
        type,
        source: SOURCE,
        severity,
        bookingId: email.bookingId,
        restaurantId: email.restaurantId,
        context: {
          emailId: email.id,
          kind: email.kind,
          attempts: email.attempts,
          transport: transport.kind,
          ...context,
        },
      })
    } catch (error) {
      log(`event ${type} not recorded: ${(error as Error).message}`)
    }
  }

  async function markSentWithRetry(deliveries: Delivered[]): Promise<Set<string>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await markSentMany(
          db,
          deliveries.map(({ email, transportId }) => ({ id: email.id, transportId })),
          now(),
        )
      } catch (error) {
        const delay = MARK_SENT_RETRY_DELAYS_MS[attempt]
        if (delay === undefined) throw error
        await sleep(delay)
      }
    }
  }

  /** Marks a batch's deliveries sent in one statement and reports each. */
  async function recordDeliveries(deliveries: Delivered[], result: DrainResult): Promise<void> {
    if (deliveries.length === 0) return
    let marked: Set<string>
    try {
      marked = await markSentWithRetry(deliveries)
    } catch (error) {
      // the leases make the rows due again later: they are sent again rather than lost
      for (const { email } of deliveries) {
        log(`email ${email.id} (${email.kind}, booking ${email.bookingId}): ${redactForLog(error)}`)
        record('email.worker_error', email, { error: (error as Error).message }, 'error')
      }
      return
    }
    for (const { email, transportId } of deliveries) {
      if (marked.has(email.id)) {
        record('email.sent', email, { transportId })
        result.sent++
      } else {
        // someone else marked it sent first: the guest got this email twice
        record('email.duplicate_send', email, { transportId }, 'error')
      }
    }
  }

  /**
   * What the booking says about this email now: a confirmation of a cancelled booking is not sent;
   * a cancellation goes out only after its confirmation did (and waits while that one may be in
   * flight). Null: send it.
   */
  function verdict(email: ClaimedEmail): { skip: string } | 'wait' | null {
    if (email.kind === CONFIRMATION_KIND && email.bookingStatus === 'cancelled')
      return { skip: 'BOOKING_CANCELLED: the booking was cancelled before its confirmation went out' }
    if (email.kind === CANCELLATION_KIND && email.bookingId) {
      if (email.confirmationStatus === 'pending') return 'wait'
      if (email.confirmationStatus !== 'sent')
        return { skip: 'CONFIRMATION_NEVER_SENT: the guest was never told of the booking' }
    }
    return null
  }

  async function deliver(email: ClaimedEmail): Promise<Delivered | 'failed' | 'retried' | 'skipped' | null> {
    // the lease ran out while earlier messages of the batch were sent: another worker may own it now
    if (now().getTime() >= email.nextAttemptAt.getTime()) return null
    const decided = verdict(email)
    if (decided === 'wait') {
      await deferClaimed(db, {
        id: email.id,
        attempts: email.attempts,
        until: new Date(now().getTime() + CANCELLATION_WAIT_MS),
      })
      return null
    }
    if (decided) {
      if (!(await markSkipped(db, { id: email.id, attempts: email.attempts, reason: decided.skip }))) return null
      record('email.skipped', email, { reason: decided.skip })
      return 'skipped'
    }
    let transportId: string
    try {
      ;({ transportId } = await transport.send(toMessage(email)))
    } catch (thrown) {
      const failure = toMailSendError(thrown)
      const result = await markFailedAttempt(db, {
        id: email.id,
        attempts: email.attempts,
        error: `${failure.code}: ${failure.message}`,
        now: now(),
        maxAttempts,
        permanent: failure.permanent,
        backoff,
        random,
      })
      if (result.outcome === 'retry') {
        record(
          'email.retry_scheduled',
          email,
          { error: failure.message, code: failure.code, nextAttemptAt: result.nextAttemptAt.toISOString() },
          'warning',
        )
        return 'retried'
      }
      if (result.outcome === 'failed') {
        record(
          'email.failed',
          email,
          { error: failure.message, code: failure.code, permanent: failure.permanent },
          'error',
        )
        return 'failed'
      }
      return null
    }
    return { email, transportId }
  }

  async function deliverSafely(email: ClaimedEmail): Promise<Delivered | 'failed' | 'retried' | 'skipped' | null> {
    try {
      return await deliver(email)
    } catch (error) {
      // the lease makes the row due again later; nothing is lost
      log(`email ${email.id} (${email.kind}, booking ${email.bookingId}): ${redactForLog(error)}`)
      record('email.worker_error', email, { error: (error as Error).message }, 'error')
      return null
    }
  }

  async function drain(): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0, retried: 0 }
    backlog = false
    for (let batch = 0; batch < MAX_BATCHES_PER_DRAIN; batch++) {
      const claimed = await claimDueEmails(db, { limit: batchSize, now: now(), leaseMs })
      if (claimed.length === 0) break
      let next = 0
      const delivered: Delivered[] = []
      const lane = async () => {
        while (next < claimed.length) {
          const outcome = await deliverSafely(claimed[next++]!)
          if (outcome === 'failed' || outcome === 'retried') result[outcome]++
          else if (outcome === 'skipped') result.skipped = (result.skipped ?? 0) + 1
          else if (outcome) delivered.push(outcome)
        }
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane))
      await recordDeliveries(delivered, result)
      if (claimed.length < batchSize || stopped) break
      if (batch === MAX_BATCHES_PER_DRAIN - 1) backlog = true
    }
    return result
  }

  function drainOnce(): Promise<DrainResult> {
    const run = tail.then(drain)
    tail = run.catch(() => undefined)
    return run
  }

  function schedule(delayMs: number) {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void tick(), delayMs)
    timer.unref()
  }

  async function tick() {
    timer = undefined
    wakeScheduled = false
    ticking = true
    wakeRequested = false
    try {
      await drainOnce()
    } catch (error) {
      log(`poll failed: ${redactForLog(error)}`)
      try {
        events.record({
          type: 'email.worker_error',
          source: SOURCE,
          severity: 'error',
          context: { error: (error as Error).message },
        })
      } catch {
        // recording is best effort
      }
    } finally {
      ticking = false
    }
    if (backlog) schedule(0)
    else if (wakeRequested) {
      wakeScheduled = true
      schedule(wakeDelayMs)
    } else schedule(pollIntervalMs)
  }

  if (polling) schedule(0)

  return {
    drainOnce,
    wake() {
      if (stopped || !polling) return
      if (ticking) wakeRequested = true
      // a poll already due sooner stays as it is
      else if (!wakeScheduled) {
        wakeScheduled = true
        schedule(wakeDelayMs)
      }
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
      await tail
    },
  }
}
