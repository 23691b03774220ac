import type { Executor } from '../db/client.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import { createStateMachine, type AppliedTransition, type TransitionInput } from '../assignment/state-machine.ts'

/**
 * Review actions change a booking's state through the engine's one state machine
 * (assignment/state-machine.ts): its transition table, its optimistic version check (the version
 * the person saw; a second person acting on it gets VersionConflictError), its history row, and
 * its `booking.assignment_state_transition` event once the caller's transaction committed.
 * Staff actions are no pipeline's work: `pipeline` is null on their transitions.
 */
export function createReviewTransitions(events: EventRecorder) {
  const machine = createStateMachine({ events })
  return {
    /** inside the caller's transaction; throws VersionConflictError / IllegalTransitionError */
    apply(tx: Executor, input: Omit<TransitionInput, 'pipeline'>): Promise<AppliedTransition> {
      return machine.apply(tx, { ...input, pipeline: null })
    },
    /** after the commit */
    announce(...applied: AppliedTransition[]): void {
      machine.announce(...applied)
    },
  }
}

export type ReviewTransitions = ReturnType<typeof createReviewTransitions>
