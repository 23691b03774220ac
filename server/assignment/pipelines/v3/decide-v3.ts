import type { Plan } from '../../../../planner/index.ts'
import { listCompetingBookings } from '../../../db/queries/assignment-v3.ts'
import type { Booking } from '../../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../../assignment-deps.ts'
import { quoteForBooking } from '../../quote.ts'
import { keysOf, type ChosenPlan, type DecideOptions, type Decision } from '../../steps/decide.ts'
import type { AvailabilitySnapshot } from '../../steps/snapshot.ts'
import { V3_STRATEGIES } from '../../vocabulary.ts'
import { scorePlans } from './scoring.ts'

/** competing bookings the look-ahead considers, nearest first */
export const LOOK_AHEAD_LIMIT = 6
/** plans each strategy proposes */
const PLANS_PER_STRATEGY = 3
/** candidates (best by overage, then tables) that get the look-ahead: it costs a planner call per competitor */
const LOOK_AHEAD_CANDIDATES = 6

/**
 * V3's decide: the planner under each of V3's strategies (optimal_fit, adjacency_first, scarcity,
 * load_balancing), the union of their plans scored with look-ahead (scoring.ts), best first. Reads
 * only (the snapshot, and the competing bookings), so it runs in shadow on legacy's snapshot.
 * When every strategy fails, the reason is optimal_fit's (the planner's reasons do not depend
 * on the strategy).
 */
/** The look-ahead's read: the restaurant's other open bookings overlapping this one. */
export function loadCompeting(deps: Pick<AssignmentDeps, 'db'>, booking: Booking) {
  return listCompetingBookings(deps.db, {
    restaurantId: booking.restaurantId,
    bookingId: booking.id,
    start: booking.startAt,
    end: booking.endAt,
    limit: LOOK_AHEAD_LIMIT,
  })
}

export type CompetingBookings = Awaited<ReturnType<typeof loadCompeting>>

export async function decideV3(
  deps: AssignmentDeps,
  booking: Booking,
  snapshot: AvailabilitySnapshot,
  options: DecideOptions & {
    /** the look-ahead's read, started earlier by the caller (the coordinator reads it beside the snapshot) */
    competing?: Promise<CompetingBookings>
  },
): Promise<Decision> {
  const started = performance.now()
  const window = { start: booking.startAt, end: booking.endAt }
  const candidates: Array<{ plan: Plan; strategy: string }> = []
  let reason: string | null = null
  let cacheHit = true
  for (const strategy of V3_STRATEGIES) {
    const quoted = await quoteForBooking(deps, {
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      partySize: booking.partySize,
      window,
      zoneId: booking.zoneId,
      knobs: options.knobs,
      trigger: options.trigger,
      pipeline: 'v3',
      shadow: options.shadow,
      attemptIndex: options.attemptNumber,
      availability: snapshot.availability,
      strategy,
      limit: PLANS_PER_STRATEGY,
    })
    cacheHit &&= quoted.cacheHit
    if (!quoted.quote.ok) {
      reason ??= quoted.quote.reason
      // validity does not depend on the strategy: none will find a plan
      break
    }
    for (const plan of quoted.quote.plans) candidates.push({ plan, strategy })
  }

  let plans: ChosenPlan[] = []
  if (candidates.length > 0) {
    reason = null
    const competing = await (options.competing ?? loadCompeting(deps, booking))
    const scored = scorePlans(shortlist(candidates), {
      tables: snapshot.floor.tables,
      adjacency: snapshot.floor.adjacency,
      floorVersion: `${booking.restaurantId}:${snapshot.floor.floorVersion}`,
      busy: snapshot.availability.busy,
      window: { start: window.start.getTime(), end: window.end.getTime() },
      partySize: booking.partySize,
      maxTables: options.knobs.maxTables,
      requireAdjacency: options.knobs.requireAdjacency,
      competing: competing.map((other) => ({
        id: other.id,
        partySize: other.partySize,
        zoneId: other.zoneId,
        window: { start: other.startAt.getTime(), end: other.endAt.getTime() },
      })),
    })
    plans = scored.map((entry) => ({
      ...entry.plan,
      tableKeys: keysOf(snapshot, entry.plan.tableIds),
      strategy: entry.strategies[0]!,
      v3Score: entry.score,
    }))
  }
  return {
    bookingId: booking.id,
    restaurantId: booking.restaurantId,
    pipeline: 'v3',
    shadow: options.shadow,
    trigger: options.trigger,
    attemptNumber: options.attemptNumber,
    knobs: options.knobs,
    plans,
    reason,
    cacheHit,
    durationMs: performance.now() - started,
    snapshot,
  }
}

/** The distinct candidates with the least waste first: the look-ahead only reorders these. */
function shortlist(candidates: Array<{ plan: Plan; strategy: string }>) {
  const seen = new Set<string>()
  return [...candidates]
    .sort((a, b) => a.plan.overage - b.plan.overage || a.plan.tableIds.length - b.plan.tableIds.length)
    .filter(({ plan }) => {
      const key = [...plan.tableIds].sort().join(',')
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .slice(0, LOOK_AHEAD_CANDIDATES)
}
