/**
 * Every reason an assignment attempt can fail with, and what retrying can do about it:
 * - hard: deterministic for this booking and floor; retrying with the same knobs cannot help
 * - capacity: the floor is full now; a cancellation may free tables, so a few spaced attempts
 * - transient: contention or infrastructure; retry soon
 */
export const REASON_CATEGORY = {
  INVALID_REQUEST: 'hard',
  NO_TABLES_IN_ZONE: 'hard',
  PARTY_TOO_LARGE: 'hard',
  ADJACENCY_UNSATISFIED: 'hard',
  NO_AVAILABILITY: 'capacity',
  HOLD_CONFLICT: 'transient',
  HOLD_EXPIRED: 'transient',
  LOCK_TIMEOUT: 'transient',
  TIMEOUT: 'transient',
  DB_ERROR: 'transient',
  CIRCUIT_OPEN: 'transient',
} as const

export type ReasonCode = keyof typeof REASON_CATEGORY
export type ReasonCategory = (typeof REASON_CATEGORY)[ReasonCode]

export function reasonCategory(reason: string | null | undefined): ReasonCategory | null {
  if (!reason) return null
  return (REASON_CATEGORY as Record<string, ReasonCategory>)[reason] ?? 'transient'
}
