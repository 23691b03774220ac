import type { Executor } from '../db/client.ts'
import type { AssignmentState, Booking } from '../db/schema/bookings.ts'
import { transitionBooking, type TransitionRequest } from '../assignment/booking-state.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'

/**
 * The one seam through which review actions change a booking's assignment state. It requires
 * the version the person saw (optimistic lock: a second person acting on the same version finds
 * nothing to update) and writes the history row in the caller's transaction.
 *
 * Today it rides on assignment/booking-state.ts; when the state machine
 * (assignment/state-machine.ts, with its transition table and typed version-conflict error)
 * lands, only this module changes.
 */
export interface ReviewTransition {
  bookingId: string
  from: AssignmentState
  to: AssignmentState
  expectedVersion: number
  reason: string | null
  actor: string
  set?: TransitionRequest['set']
}

export interface TransitionDone {
  booking: Booking
  from: AssignmentState
  to: AssignmentState
  version: number
  actor: string
}

export async function reviewTransition(tx: Executor, change: ReviewTransition): Promise<TransitionDone | null> {
  const booking = await transitionBooking(tx, {
    bookingId: change.bookingId,
    from: [change.from],
    to: change.to,
    reason: change.reason,
    actor: change.actor,
    set: change.set,
    expectedVersion: change.expectedVersion,
  })
  if (!booking) return null
  return { booking, from: change.from, to: change.to, version: booking.assignmentStateVersion, actor: change.actor }
}

/** After commit: the state machine's event (CONTRACT §5 context { from, to, version, pipeline, actor }). */
export function recordTransition(events: EventRecorder, done: TransitionDone): void {
  events.record({
    type: 'booking.assignment_state_transition',
    source: 'review',
    restaurantId: done.booking.restaurantId,
    bookingId: done.booking.id,
    context: { from: done.from, to: done.to, version: done.version, pipeline: 'manual', actor: done.actor },
  })
}
