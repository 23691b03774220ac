export type ReseatAdmission = { search: true } | { search: false; why: 'intake_busy' }

/**
 * Whether a booking path attempt (inline or its job) searches for a rearrangement now.
 *
 * Policy: search while the process is answering at most `maxIntake` booking requests (flag
 * `assignment.reseat_max_intake`); above that, answer as with the flag off: the booking goes on
 * as NO_AVAILABILITY, and its job's next attempt (after the capacity spacing) searches again.
 * `maxIntake` 0 never searches on the booking path. The review page's suggestions are not
 * governed: staff ask for them one booking at a time.
 *
 * Why: at saturation nearly every refused booking searches, and those whose search runs out of
 * nodes cost 50-60 ms of CPU each, on a worker thread or not: on two cores the booking path's
 * throughput fell by a fifth (bench:pipeline --reseat-compare, bench/README.md). Sequential
 * traffic (one request at a time, as the quality simulator sends) always searches, so what
 * re-seating gains is unchanged where the machine has the time for it.
 */
export function admitReseat(intakeInFlight: number, maxIntake: number): ReseatAdmission {
  return intakeInFlight <= maxIntake ? { search: true } : { search: false, why: 'intake_busy' }
}
