import type { ReasonCode as VocabularyReason } from './vocabulary.ts'

/**
 * What retrying can do about each reason an attempt fails with (the codes: vocabulary.ts):
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
  LOCK_CONTENTION: 'transient',
  BULKHEAD_FULL: 'transient',
  INTAKE_BUSY: 'transient',
  VERSION_CONFLICT: 'transient',
} as const satisfies Partial<Record<VocabularyReason, 'hard' | 'capacity' | 'transient'>>

export type ReasonCode = keyof typeof REASON_CATEGORY
export type ReasonCategory = (typeof REASON_CATEGORY)[ReasonCode]

export function reasonCategory(reason: string | null | undefined): ReasonCategory | null {
  if (!reason) return null
  return (REASON_CATEGORY as Record<string, ReasonCategory>)[reason] ?? 'transient'
}
