/** What each reason code means for ops, and what usually fixes it (shown on /reasons). */
export const REASON_NOTES: Record<string, { meaning: string; fix: string }> = {
  INVALID_REQUEST: {
    meaning: 'The request itself cannot be seated (party size, empty window).',
    fix: 'Check the booking front end validation.',
  },
  NO_TABLES_IN_ZONE: {
    meaning: 'The requested zone has no active table.',
    fix: 'Activate tables in the zone or stop offering it.',
  },
  PARTY_TOO_LARGE: {
    meaning: 'No combination of tables seats the party, even on an empty floor.',
    fix: 'Raise maxTables, allow merges, or cap party size.',
  },
  ADJACENCY_UNSATISFIED: {
    meaning: 'Only non-adjacent tables could seat the party.',
    fix: 'Add adjacency edges or relax adjacency for large parties.',
  },
  NO_AVAILABILITY: {
    meaning: 'The floor is full for that slot.',
    fix: 'Expected at peak; a cancellation may free tables, the job retries.',
  },
  HOLD_CONFLICT: {
    meaning: 'Another booking took the tables between quote and hold.',
    fix: 'Transient; the plan cache and retry policy v2 reduce it.',
  },
  HOLD_EXPIRED: {
    meaning: 'The hold lapsed before the confirmation.',
    fix: 'Look for slow confirms (database latency).',
  },
  LOCK_TIMEOUT: {
    meaning: 'The booking lock was busy.',
    fix: 'Lock contention: check lock_wait_p95 and concurrent retries.',
  },
  TIMEOUT: {
    meaning: 'The attempt passed its deadline.',
    fix: 'Check planner p99 and database latency; raise the inline timeout only with care.',
  },
  DB_ERROR: { meaning: 'The database failed the attempt.', fix: 'Check database health; the job retries.' },
  CIRCUIT_OPEN: {
    meaning: "The restaurant's circuit breaker was open.",
    fix: 'See breaker_open_seconds; the breaker closes by itself.',
  },
  INTAKE_BUSY: {
    meaning: 'V3 left the booking to its job: the process was answering many booking requests at once.',
    fix: 'Nothing: the job seats it at once. Raise assignment.pipeline_v3_inline_max_intake to seat more inline.',
  },
}
