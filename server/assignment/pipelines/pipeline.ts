import type { Booking } from '../../db/schema/bookings.ts'
import type { CommitOptions, CommitResult } from '../steps/commit.ts'
import type { DecideOptions, Decision } from '../steps/decide.ts'
import type { AvailabilitySnapshot } from '../steps/snapshot.ts'
import type { Pipeline } from '../vocabulary.ts'

/**
 * A pipeline behind the one seam: `decide` reads only (so it can run in shadow on another
 * pipeline's snapshot), `commit` acts on a decision (hold, confirm, attempt row, state change).
 */
export interface AssignmentPipeline {
  readonly name: Pipeline
  decide(booking: Booking, snapshot: AvailabilitySnapshot, options: DecideOptions): Promise<Decision>
  commit(booking: Booking, decision: Decision, options: CommitOptions): Promise<CommitResult>
}
