import type { AssignmentAttempt, AssignmentStateHistoryRow } from '../db/schema/assignment.ts'
import type { AuditLogEntry } from '../db/schema/auth.ts'
import { bookingReasonText } from './reason-text.ts'
import type { TimelineEntry } from './review-types.ts'

const STATE_WORDS: Record<string, string> = {
  created: 'Booked',
  capacity_verified: 'Capacity checked',
  assignment_pending: 'Waiting for a table',
  assignment_in_progress: 'Seating in progress',
  assigned: 'Tables assigned',
  confirmed: 'Confirmed',
  manual_review: 'Sent to manual review',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

/** "auto_assign:job" -> "the engine (background job)"; a person's id stays as it is. */
export function actorText(actor: string): string {
  if (actor.startsWith('auto_assign:')) return `the engine (${actor.slice('auto_assign:'.length)})`
  if (actor.startsWith('coordinator')) return 'the engine (V3)'
  if (actor.startsWith('review:')) return `the review queue (${actor.slice('review:'.length)})`
  if (actor.startsWith('user:')) return actor.slice('user:'.length)
  return actor
}

export function describeTransition(row: AssignmentStateHistoryRow): TimelineEntry {
  const isReasonCode = row.reason !== null && /^[A-Z_]+(:[A-Z_]+)*$/.test(row.reason)
  return {
    at: row.occurredAt.toISOString(),
    kind: 'state',
    title: STATE_WORDS[row.toState] ?? row.toState,
    detail: row.reason ? (isReasonCode ? bookingReasonText(row.reason) : row.reason) : null,
    actor: actorText(row.actor),
  }
}

export function describeAttempt(row: AssignmentAttempt): TimelineEntry {
  const tables = row.plan?.tableKeys?.join(' + ')
  const succeeded = row.outcome === 'confirmed'
  return {
    at: row.startedAt.toISOString(),
    kind: 'attempt',
    title: `Attempt ${row.attemptNumber} (${row.trigger}): ${succeeded ? `seated at ${tables ?? 'tables'}` : row.outcome}`,
    detail: succeeded ? null : bookingReasonText(row.reasonCode),
    actor: row.trigger === 'manual' && row.pipeline === 'manual' ? null : 'the engine',
  }
}

const ACTION_WORDS: Record<string, string> = {
  'review.seated': 'Seated by staff',
  'review.moved': 'Moved and seated by staff',
  'review.retried': 'Automatic retry requested',
  'review.cancelled': 'Cancelled by staff',
  'review.noted': 'Note',
}

/** Observability events in words, for the booking timeline (/bookings/:id); others show their type. */
export const EVENT_WORDS: Record<string, string> = {
  ...ACTION_WORDS,
  'review.expired': 'Left the review queue: its time passed',
  'booking.created': 'Booking received',
  'booking.confirmed': 'Seated and confirmed',
  'booking.cancelled': 'Cancelled',
  'booking.reseated': 'Moved to other tables',
  'auto_assign.quote': 'Planner quote',
  'auto_assign.summary': 'Background job finished',
  'auto_assign.failed': 'Background job gave up',
  'inline_auto_assign.started': 'Inline seating started',
  'inline_auto_assign.finished': 'Inline seating finished',
  'inline_auto_assign.timeout': 'Inline seating ran out of time',
  'coordinator.started': 'V3 coordinator started',
  'coordinator.finished': 'V3 coordinator finished',
  'coordinator.noop': 'V3 coordinator had nothing to do',
  'coordinator.retry': 'V3 coordinator will retry',
  'email.sent': 'Email sent',
  'email.failed': 'Email failed',
  'email.duplicate_send': 'Email sent twice',
}

export function describeAction(row: AuditLogEntry): TimelineEntry {
  const details = row.details as { tables?: string[]; reason?: string; toStart?: string; actorName?: string }
  const parts: string[] = []
  if (details.tables?.length) parts.push(`tables ${details.tables.join(' + ')}`)
  if (details.toStart) parts.push(`new start ${details.toStart}`)
  if (details.reason) parts.push(`reason: ${details.reason}`)
  return {
    at: row.occurredAt.toISOString(),
    kind: 'action',
    title: ACTION_WORDS[row.action] ?? row.action,
    detail: parts.length > 0 ? parts.join(', ') : null,
    actor: details.actorName ?? actorText(row.actor),
  }
}
