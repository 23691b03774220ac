import type { Plan } from '../../../planner/index.ts'
import type { Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import { quoteForBooking, type StrategyKnobs } from '../quote.ts'
import type { Pipeline, Trigger } from '../vocabulary.ts'
import type { AvailabilitySnapshot } from './snapshot.ts'

export interface DecideOptions {
  pipeline: Pipeline
  /** shadow work: its quote events say so and it is never committed */
  shadow: boolean
  trigger: Trigger
  attemptNumber: number
  knobs: StrategyKnobs
  /** aborting stops the planner, even mid-search on a worker thread (quote-pool.ts) */
  signal?: AbortSignal
}

/** A plan with the keys people read, and (V3) the score it was chosen by. */
export interface ChosenPlan extends Plan {
  tableKeys: string[]
  strategy: string
  /** V3's look-ahead score (lower is better); legacy plans carry the planner's own */
  v3Score?: number
  /**
   * re-seating: the other bookings that move to make room (steps/reseat.ts); the commit writes
   * them, the hold and the confirm in one transaction
   */
  moves?: PlannedMove[]
}

/** One booking moved by re-seating: from its tables to others, for its own window. */
export interface PlannedMove {
  bookingId: string
  from: string[]
  to: string[]
  fromKeys: string[]
  toKeys: string[]
  window: { start: Date; end: Date }
}

/**
 * What a pipeline would do for a booking, computed without writing anything: the plans to try in
 * order (the first that can still be held wins), or the reason none exists.
 */
export interface Decision {
  bookingId: string
  restaurantId: string
  pipeline: Pipeline
  shadow: boolean
  trigger: Trigger
  attemptNumber: number
  knobs: StrategyKnobs
  plans: ChosenPlan[]
  /** null when plans is not empty */
  reason: string | null
  cacheHit: boolean
  durationMs: number
  snapshot: AvailabilitySnapshot
}

export const keysOf = (snapshot: Pick<AvailabilitySnapshot, 'floor'>, tableIds: string[]) =>
  tableIds.map((id) => snapshot.floor.keyById.get(id) ?? id).sort()

/** Legacy's decide: one optimal_fit quote with the caller's knobs; its plans in the planner's order. */
export async function decideLegacy(
  deps: AssignmentDeps,
  booking: Booking,
  snapshot: AvailabilitySnapshot,
  options: DecideOptions,
): Promise<Decision> {
  const started = performance.now()
  const quoted = await quoteForBooking(deps, {
    restaurantId: booking.restaurantId,
    bookingId: booking.id,
    partySize: booking.partySize,
    window: { start: booking.startAt, end: booking.endAt },
    zoneId: booking.zoneId,
    knobs: options.knobs,
    trigger: options.trigger,
    pipeline: options.pipeline,
    shadow: options.shadow,
    attemptIndex: options.attemptNumber,
    availability: snapshot.availability,
    signal: options.signal,
  })
  const plans: ChosenPlan[] = quoted.quote.ok
    ? quoted.quote.plans.map((plan) => ({
        ...plan,
        tableKeys: keysOf(snapshot, plan.tableIds),
        strategy: 'optimal_fit',
      }))
    : []
  return {
    bookingId: booking.id,
    restaurantId: booking.restaurantId,
    pipeline: options.pipeline,
    shadow: options.shadow,
    trigger: options.trigger,
    attemptNumber: options.attemptNumber,
    knobs: options.knobs,
    plans,
    reason: quoted.quote.ok ? null : quoted.quote.reason,
    cacheHit: quoted.cacheHit,
    durationMs: performance.now() - started,
    snapshot,
  }
}
