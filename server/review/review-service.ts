import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { findBookingById } from '../db/queries/bookings.ts'
import { deleteSuggestionsOutsideReview, listStaleSuggestionBookings } from '../db/queries/review-suggestions.ts'
import { WAITING_STATES } from '../assignment/state-machine.ts'
import type { Scheduler } from '../scheduling/scheduler.ts'
import { createReviewActions } from './review-actions.ts'
import { computeSuggestions, createReviewReader, loadFloorContext } from './review-reader.ts'

export const REVIEW_TASKS = { suggestions: 'review.suggestions', expiry: 'review.expiry' } as const

export interface ReviewTaskOptions {
  /** how often stale suggestions are recomputed (a booking entering review, a table freed) */
  suggestionsIntervalMs?: number
  expiryIntervalMs?: number
}

/**
 * The staff's manual-review workspace: the queue and one booking's detail (reader), the actions
 * (seat, move, retry, cancel, note) and two periodic tasks on the engine's scheduler:
 * - review.suggestions: bookings whose stored suggestions are missing or computed on an older
 *   availability or floor version get them recomputed, most urgent first, so the page is instant
 *   and follows the floor as it changes; all but the re-seating suggestion, which the page
 *   computes when it is opened (reseat-suggestion.ts);
 * - review.expiry: bookings whose start has passed leave the queue as failed, with their reason.
 */
export function createReviewService(deps: AssignmentDeps) {
  const reader = createReviewReader(deps)
  const actions = createReviewActions(deps)

  async function refreshSuggestions(limit = 50): Promise<number> {
    const ids = await listStaleSuggestionBookings(deps.db, { states: WAITING_STATES, now: deps.now(), limit })
    let refreshed = 0
    for (const id of ids) {
      const booking = await findBookingById(deps.db, id)
      if (!booking || !WAITING_STATES.includes(booking.assignmentState)) continue
      const context = await loadFloorContext(deps, booking.restaurantId)
      if (!context) continue
      // without the re-seat search: the booking page runs it when someone opens it
      await computeSuggestions(deps, booking, context, { reseat: false })
      refreshed++
    }
    await deleteSuggestionsOutsideReview(deps.db, WAITING_STATES)
    return refreshed
  }

  return {
    ...reader,
    ...actions,
    refreshSuggestions,
    schedule(scheduler: Scheduler, options: ReviewTaskOptions = {}) {
      scheduler.every({
        name: REVIEW_TASKS.suggestions,
        intervalMs: options.suggestionsIntervalMs ?? 5_000,
        run: async () => {
          await refreshSuggestions()
        },
      })
      scheduler.every({
        name: REVIEW_TASKS.expiry,
        intervalMs: options.expiryIntervalMs ?? 30_000,
        run: async ({ now }) => {
          await actions.expirePast(now)
        },
      })
    },
  }
}

export type ReviewService = ReturnType<typeof createReviewService>
