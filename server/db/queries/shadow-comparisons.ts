import type { Executor } from '../client.ts'
import { shadowComparisons, type ShadowPlan } from '../schema/assignment.ts'

export interface NewShadowComparison {
  bookingId: string
  restaurantId: string
  match: boolean
  mismatchKind: string | null
  legacyOutcome: Record<string, unknown>
  v3Outcome: Record<string, unknown>
  legacyDurationMs: number | null
  v3DurationMs: number | null
  legacyPlan: ShadowPlan | null
  v3Plan: ShadowPlan | null
}

/**
 * One comparison per booking (unique booking_id): a second shadow run for the same booking (a
 * redelivered job, a replayed request) keeps the first. Returns whether this one was written.
 */
export async function insertShadowComparison(db: Executor, row: NewShadowComparison): Promise<boolean> {
  const inserted = await db
    .insert(shadowComparisons)
    .values(row)
    .onConflictDoNothing({ target: shadowComparisons.bookingId })
    .returning({ id: shadowComparisons.id })
  return inserted.length > 0
}
