import { and, asc, eq, getTableColumns, isNull, lte, sql } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import { emailOutbox, type OutboxEmail } from '../db/schema/outbox.ts'
import { AppError, SQLSTATE, sqlState } from '../errors.ts'
import { retryDelayMs, type BackoffOptions } from './backoff.ts'

export type { OutboxEmail }

export interface NewOutboxEmail {
  bookingId: string
  /** e.g. 'confirmation'; (bookingId, kind) is unique: one email of a kind per booking, ever */
  kind: string
  recipient: string
  subject: string
  body: string
  /** not sent before this time; default: the database's now() */
  availableAt?: Date
}

export interface NewNotification {
  /** e.g. 'alert'; with dedupeKey, (kind, dedupeKey) is unique */
  kind: string
  recipient: string
  subject: string
  body: string
  /** the same (kind, dedupeKey) is queued once, ever: e.g. `${ruleId}:${firingSince}` for an alert */
  dedupeKey?: string
  availableAt?: Date
}

/**
 * A claimed row, with what the worker re-checks before sending: the booking's restaurant (for
 * telemetry), its status and the status of its confirmation (null for mail without a booking).
 */
export type ClaimedEmail = OutboxEmail & {
  restaurantId: string | null
  bookingStatus: 'pending_allocation' | 'confirmed' | 'cancelled' | null
  confirmationStatus: OutboxEmail['status'] | null
}

const MAX_ERROR_LENGTH = 2_000

/**
 * Queues an email. Returns true when a row was inserted and false when this booking already has
 * an email of this kind (insert … on conflict do nothing): calling it twice, concurrently, or from
 * two transactions yields one row. Pass the caller's transaction so the email is queued if and
 * only if that transaction commits.
 */
export async function enqueueEmail(executor: Executor, email: NewOutboxEmail): Promise<boolean> {
  const kind = email.kind.trim()
  const recipient = email.recipient.trim()
  if (!kind) throw new AppError('EMAIL_KIND_REQUIRED', 'An outbox email needs a kind such as "confirmation".')
  if (!recipient) {
    throw new AppError(
      'EMAIL_RECIPIENT_REQUIRED',
      `Cannot queue the ${kind} email for booking ${email.bookingId}: the recipient address is empty.`,
    )
  }
  try {
    const rows = await executor
      .insert(emailOutbox)
      .values({
        bookingId: email.bookingId,
        kind,
        recipient,
        subject: email.subject,
        body: email.body,
        ...(email.availableAt ? { nextAttemptAt: email.availableAt } : {}),
      })
      .onConflictDoNothing({ target: [emailOutbox.bookingId, emailOutbox.kind] })
      .returning({ id: emailOutbox.id })
    return rows.length > 0
  } catch (error) {
    if (sqlState(error) === SQLSTATE.foreignKeyViolation) {
      throw new AppError(
        'EMAIL_BOOKING_NOT_FOUND',
        `Cannot queue the ${kind} email: booking ${email.bookingId} does not exist. Queue it in the transaction that creates or confirms the booking.`,
        404,
      )
    }
    throw error
  }
}

/**
 * Queues mail that is not about a booking (alerts, reports). Returns true when a row was inserted
 * and false when one of this kind and dedupeKey already exists (insert … on conflict do nothing on
 * the partial unique index): an alert evaluated by two processes, or twice, is mailed once. Without
 * a dedupeKey every call queues a row. Pass the caller's transaction to queue it with that write.
 */
export async function enqueueNotification(executor: Executor, email: NewNotification): Promise<boolean> {
  const kind = email.kind.trim()
  const recipient = email.recipient.trim()
  if (!kind) throw new AppError('EMAIL_KIND_REQUIRED', 'A notification needs a kind such as "alert".')
  if (!recipient) {
    throw new AppError(
      'EMAIL_RECIPIENT_REQUIRED',
      `Cannot queue the ${kind} notification "${email.subject}": the recipient address is empty.`,
    )
  }
  const dedupeKey = email.dedupeKey?.trim() || null
  const rows = await executor
    .insert(emailOutbox)
    .values({
      bookingId: null,
      kind,
      recipient,
      subject: email.subject,
      body: email.body,
      dedupeKey,
      ...(email.availableAt ? { nextAttemptAt: email.availableAt } : {}),
    })
    // the target names the partial index, predicate included, or Postgres would not infer it
    .onConflictDoNothing({
      target: [emailOutbox.kind, emailOutbox.dedupeKey],
      where: sql`${emailOutbox.dedupeKey} is not null`,
    })
    .returning({ id: emailOutbox.id })
  return rows.length > 0
}

/**
 * The booking's email of one kind, if queued (a kind is unique per booking). With forUpdate, the
 * row stays locked to the end of the caller's transaction: a worker's claim (SKIP LOCKED) cannot
 * take it meanwhile, and a claim in progress is waited for, so the caller sees its attempts.
 */
export async function findEmailOfKind(
  db: Executor,
  bookingId: string,
  kind: string,
  options: { forUpdate?: boolean } = {},
): Promise<OutboxEmail | undefined> {
  const query = db
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.bookingId, bookingId), eq(emailOutbox.kind, kind)))
    .limit(1)
  const [row] = options.forUpdate ? await query.for('update') : await query
  return row
}

/**
 * Whether the guest may hold this email: it was sent, or a worker claimed it (attempts counts
 * claims) and may be handing it to the mail server right now. A row never claimed was not sent.
 */
export function confirmationMayHaveGoneOut(email: Pick<OutboxEmail, 'status' | 'attempts'>): boolean {
  return email.status === 'sent' || (email.status === 'pending' && email.attempts > 0)
}

export interface ClaimOptions {
  /** at most this many rows */
  limit: number
  /** rows with next_attempt_at <= now are due */
  now: Date
  /** a claimed row becomes due again after this long (so a crashed worker's claim is retried) */
  leaseMs: number
}

/**
 * Atomically claims due pending rows: one UPDATE whose subquery locks them FOR UPDATE SKIP LOCKED,
 * pushes next_attempt_at to now + lease and counts the attempt. Two workers (also in two processes
 * on Postgres) never claim the same row while its lease runs. The claim is committed on return:
 * the caller sends, then calls markSent or markFailedAttempt with the returned `attempts`.
 */
export async function claimDueEmails(db: Executor, options: ClaimOptions): Promise<ClaimedEmail[]> {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new AppError('OUTBOX_CLAIM_INVALID', `claim limit must be a positive integer (got ${options.limit}).`)
  }
  if (!(options.leaseMs > 0)) {
    throw new AppError('OUTBOX_CLAIM_INVALID', `leaseMs must be positive (got ${options.leaseMs}).`)
  }
  const due = db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.status, 'pending'), lte(emailOutbox.nextAttemptAt, options.now)))
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(options.limit)
    .for('update', { skipLocked: true })
  const rows = await db
    .update(emailOutbox)
    .set({
      nextAttemptAt: new Date(options.now.getTime() + options.leaseMs),
      attempts: sql`${emailOutbox.attempts} + 1`,
    })
    // = any(array(…)) runs the locking subquery exactly once (an InitPlan). With `in (…)` the planner
    // may rescan it inside a join, and a rescan skips the rows this statement already updated and
    // locks the next ones: more than `limit` rows would be claimed.
    // no status condition here: the subquery holds the rows locked as pending, and a second
    // condition on status invites the planner to scan every pending row's index entry
    .where(sql`${emailOutbox.id} = any(array(${due}))`)
    // scalar subqueries rather than a join: mail without a booking is claimed too, and each is
    // one primary-key or unique-index probe per claimed row
    .returning({
      ...getTableColumns(emailOutbox),
      // email_outbox spelled out: drizzle writes returning columns unqualified, which inside these
      // subqueries would mean their own tables
      restaurantId: sql<string | null>`(select b.restaurant_id from bookings b where b.id = email_outbox.booking_id)`,
      bookingStatus: sql<
        ClaimedEmail['bookingStatus']
      >`(select b.status from bookings b where b.id = email_outbox.booking_id)`,
      confirmationStatus: sql<
        ClaimedEmail['confirmationStatus']
      >`(select c.status from email_outbox c where c.booking_id = email_outbox.booking_id and c.kind = 'confirmation')`,
    })
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
}

export interface MarkSentInput {
  id: string
  transportId: string
  sentAt: Date
}

/**
 * Records a delivery. Returns false when the row was already marked sent (another worker sent it
 * after this worker's lease ran out): the caller should report a duplicate send.
 */
export async function markSent(db: Executor, input: MarkSentInput): Promise<boolean> {
  const marked = await markSentMany(db, [{ id: input.id, transportId: input.transportId }], input.sentAt)
  return marked.has(input.id)
}

/**
 * Records many deliveries in one statement (a worker marks a whole batch at once). Returns the ids
 * this call marked; an id missing from it was already sent by someone else.
 */
export async function markSentMany(
  db: Executor,
  deliveries: Array<{ id: string; transportId: string }>,
  sentAt: Date,
): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set()
  const result = await db.execute(sql`
    update email_outbox as outbox
       set status = 'sent', sent_at = ${sentAt.toISOString()}::timestamptz, transport_id = delivered.transport_id, last_error = null
      from jsonb_to_recordset(${JSON.stringify(deliveries.map((d) => ({ id: d.id, transport_id: d.transportId })))}::jsonb)
        as delivered(id uuid, transport_id text)
     where outbox.id = delivered.id and outbox.status <> 'sent'
 returning outbox.id`)
  return new Set((result as unknown as { rows: Array<{ id: string }> }).rows.map((row) => row.id))
}

export interface FailedAttemptInput {
  id: string
  /** the `attempts` value the claim returned: a fencing token against a newer claim */
  attempts: number
  error: string
  now: Date
  maxAttempts: number
  /** true when retrying cannot help (e.g. SMTP 5xx): fail at once */
  permanent?: boolean
  backoff?: BackoffOptions
  random?: () => number
}

export type FailedAttemptResult =
  | { outcome: 'retry'; nextAttemptAt: Date }
  | { outcome: 'failed' }
  /** the row was claimed again or completed meanwhile: nothing was changed */
  | { outcome: 'stale' }

/**
 * Records a failed delivery attempt: schedules the next one with exponential backoff and jitter,
 * or, after maxAttempts (or a permanent error), sets status failed with last_error.
 */
export async function markFailedAttempt(db: Executor, input: FailedAttemptInput): Promise<FailedAttemptResult> {
  const lastError = input.error.length > MAX_ERROR_LENGTH ? `${input.error.slice(0, MAX_ERROR_LENGTH)}…` : input.error
  const fenced = and(
    eq(emailOutbox.id, input.id),
    eq(emailOutbox.status, 'pending'),
    eq(emailOutbox.attempts, input.attempts),
  )
  if (input.permanent || input.attempts >= input.maxAttempts) {
    const rows = await db
      .update(emailOutbox)
      .set({ status: 'failed', lastError })
      .where(fenced)
      .returning({ id: emailOutbox.id })
    return rows.length > 0 ? { outcome: 'failed' } : { outcome: 'stale' }
  }
  const nextAttemptAt = new Date(input.now.getTime() + retryDelayMs(input.attempts, input.backoff, input.random))
  const rows = await db
    .update(emailOutbox)
    .set({ nextAttemptAt, lastError })
    .where(fenced)
    .returning({ id: emailOutbox.id })
  return rows.length > 0 ? { outcome: 'retry', nextAttemptAt } : { outcome: 'stale' }
}

export interface SkipInput {
  id: string
  /** the claim's `attempts`: a fencing token, as for markFailedAttempt */
  attempts: number
  reason: string
}

/** Marks a claimed row skipped (not to be sent, on purpose). False when it was claimed again meanwhile. */
export async function markSkipped(db: Executor, input: SkipInput): Promise<boolean> {
  const rows = await db
    .update(emailOutbox)
    .set({ status: 'skipped', lastError: input.reason })
    .where(
      and(eq(emailOutbox.id, input.id), eq(emailOutbox.status, 'pending'), eq(emailOutbox.attempts, input.attempts)),
    )
    .returning({ id: emailOutbox.id })
  return rows.length > 0
}

/**
 * Gives a claimed row back until `until` without counting the claim as a delivery attempt (the
 * cancellation email waits for its confirmation's fate). False when it was claimed again meanwhile.
 */
export async function deferClaimed(
  db: Executor,
  input: { id: string; attempts: number; until: Date },
): Promise<boolean> {
  const rows = await db
    .update(emailOutbox)
    .set({ nextAttemptAt: input.until, attempts: sql`${emailOutbox.attempts} - 1` })
    .where(
      and(eq(emailOutbox.id, input.id), eq(emailOutbox.status, 'pending'), eq(emailOutbox.attempts, input.attempts)),
    )
    .returning({ id: emailOutbox.id })
  return rows.length > 0
}

/** Mail without a booking, newest first (alerts' history, tests). */
export async function listNotifications(db: Executor, kind: string, limit = 100): Promise<OutboxEmail[]> {
  return db
    .select()
    .from(emailOutbox)
    .where(and(isNull(emailOutbox.bookingId), eq(emailOutbox.kind, kind)))
    .orderBy(sql`${emailOutbox.createdAt} desc`)
    .limit(limit)
}

/** The booking's emails, oldest first (CONTRACT's Booking.emails is built from these). */
export async function listEmailsForBooking(db: Executor, bookingId: string): Promise<OutboxEmail[]> {
  return db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.bookingId, bookingId))
    .orderBy(asc(emailOutbox.createdAt), asc(emailOutbox.kind))
}
