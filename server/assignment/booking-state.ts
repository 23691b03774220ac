import type { Executor } from '../db/client.ts'
import type { AssignmentState, Booking, NewBooking } from '../db/schema/bookings.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import { createStateMachine, OPEN_STATES as OPEN, VersionConflictError } from './state-machine.ts'
import type { Pipeline } from './vocabulary.ts'

export interface TransitionRequest {
  bookingId: string
  /** only move when the booking is in one of these states */
  from: AssignmentState[]
  to: AssignmentState
  reason?: string | null
  actor: string
  set?: Partial<
    Pick<NewBooking, 'status' | 'confirmedAt' | 'cancelledAt' | 'manualReviewReason' | 'autoAssignLastResult'>
  >
  /** require this version (optimistic lock); omit to accept any */
  expectedVersion?: number
  pipeline?: Pipeline | null
  /** records the transition event; callers that commit later should use the state machine itself */
  events?: EventRecorder
}

const silent: EventRecorder = {
  record() {},
  flush: async () => {},
  stats: () => ({ written: 0, dropped: 0, buffered: 0, failedWrites: 0 }),
  setRecording() {},
  close: async () => {},
}

/**
 * The older call shape, kept for callers outside assignment/ until they move to the state machine
 * (server/assignment/state-machine.ts): the same table and checks, but a booking that moved returns
 * null instead of throwing. An illegal transition still throws.
 */
export async function transitionBooking(db: Executor, request: TransitionRequest): Promise<Booking | null> {
  const machine = createStateMachine({ events: request.events ?? silent })
  try {
    const applied = await machine.apply(db, {
      bookingId: request.bookingId,
      to: request.to,
      from: request.from,
      expectedVersion: request.expectedVersion,
      actor: request.actor,
      pipeline: request.pipeline ?? null,
      reason: request.reason,
      set: request.set,
    })
    // inside the caller's transaction: the event may outlive a rollback, as before it had none
    machine.announce(applied)
    return applied.booking
  } catch (error) {
    if (error instanceof VersionConflictError) return null
    throw error
  }
}

export const OPEN_STATES: AssignmentState[] = [...OPEN]
