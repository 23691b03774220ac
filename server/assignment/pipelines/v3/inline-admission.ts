import type { ReasonCode } from '../../reason-codes.ts'

export type InlineAdmission = { run: true } | { run: false; reason: Extract<ReasonCode, 'INTAKE_BUSY'> }

/**
 * Whether V3's coordinator runs inline at intake, or leaves the booking to its job.
 *
 * Policy: inline while the process is answering at most `maxIntake` booking requests (this one
 * included; flag `assignment.pipeline_v3_inline_max_intake`); above that the booking is deferred
 * with reason INTAKE_BUSY, and intake makes its job due at once. `maxIntake` 0 never runs inline.
 *
 * Why: in a burst every inline run shares the event loop and the database with every request of
 * the burst. Its round trips queue behind theirs, so it takes several times longer, and it
 * lengthens each answer it shares the loop with, while the bulkhead refuses most of the burst's
 * runs anyway. The job runs the same coordinator at the worker's bounded concurrency, and the
 * answer the guest gets (pending, then an email) is the one a bulkhead refusal gives.
 */
export function admitInline(intakeInFlight: number, maxIntake: number): InlineAdmission {
  return intakeInFlight <= maxIntake ? { run: true } : { run: false, reason: 'INTAKE_BUSY' }
}
