import { asc, eq } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { assignmentAttempts, assignmentStateHistory } from '../schema/assignment.ts'
import { observabilityEvents } from '../schema/observability.ts'

/** A booking's story: its state transitions, its attempts and its events, oldest first. */
export async function loadBookingTimeline(db: Executor, bookingId: string) {
  const [transitions, attempts, events] = await Promise.all([
    db
      .select()
      .from(assignmentStateHistory)
      .where(eq(assignmentStateHistory.bookingId, bookingId))
      .orderBy(asc(assignmentStateHistory.id)),
    db
      .select()
      .from(assignmentAttempts)
      .where(eq(assignmentAttempts.bookingId, bookingId))
      .orderBy(asc(assignmentAttempts.startedAt)),
    db
      .select()
      .from(observabilityEvents)
      .where(eq(observabilityEvents.bookingId, bookingId))
      .orderBy(asc(observabilityEvents.occurredAt), asc(observabilityEvents.id))
      .limit(500),
  ])
  return { transitions, attempts, events }
}
