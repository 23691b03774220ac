import { findReseating, type BusyWindow, type MovableBooking } from '../../../planner/index.ts'
import { listNearbyAllocations, moveBookingTables } from '../../db/queries/reseat.ts'
import { bumpAvailabilityVersion } from '../../db/queries/restaurants.ts'
import type { Booking } from '../../db/schema/bookings.ts'
import { AppError, SQLSTATE, sqlState } from '../../errors.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import { busyInKeys, idsInKeys, keyedFloor } from '../key-ordered-floor.ts'
import { keysOf, type ChosenPlan, type Decision } from './decide.ts'

/** Bookings starting sooner than this are never moved: their guests may already be on the way. */
export const DEFAULT_RESEAT_LEAD_MINUTES = 60

/** Longest block window a booking can have (480 min + 120 min buffer): the span of possible clashes. */
const MAX_WINDOW_MS = 10 * 3_600_000

/** A search that runs on the booking path: bounded, and an exhausted budget is not a "no". */
const RESEAT_MAX_NODES = 50_000

export interface ReseatOptions {
  leadMinutes?: number
}

/**
 * Online re-seating, behind the `assignment.reseat` flag. When a decision found no free plan
 * (NO_AVAILABILITY), look for the fewest moves of not-yet-started, unpinned, confirmed bookings
 * overlapping this booking's window that make room (planner/reseat.ts, exact for those bookings),
 * and commit the moves in one transaction: each move is fenced on the booking's current tables and
 * the exclusion constraint decides every new row, so a booking that changed since the plan was
 * made rolls the whole re-seating back. Each move is recorded as `booking.reseated` with the
 * tables before and after. Returns the plan for the new booking (its hold and confirm then go
 * through the pipeline's ordinary commit), or null when there is nothing to do or the race was lost;
 * in that case nothing moved.
 */
export async function reseatForDecision(
  deps: AssignmentDeps,
  booking: Booking,
  decision: Decision,
  options: ReseatOptions = {},
): Promise<ChosenPlan | null> {
  if (decision.shadow || decision.plans.length > 0 || decision.reason !== 'NO_AVAILABILITY') return null
  if (!(await deps.flags.boolean('assignment.reseat', { restaurantId: booking.restaurantId, bookingId: booking.id }))) {
    return null
  }
  const now = deps.now()
  const window = { start: booking.startAt.getTime(), end: booking.endAt.getTime() }
  const nearby = await listNearbyAllocations(deps.db, {
    restaurantId: booking.restaurantId,
    span: { start: new Date(window.start - MAX_WINDOW_MS), end: new Date(window.end + MAX_WINDOW_MS) },
    now,
    movableFrom: new Date(now.getTime() + (options.leadMinutes ?? DEFAULT_RESEAT_LEAD_MINUTES) * 60_000),
  })
  const floor = decision.snapshot.floor
  const zoneOf = new Map(floor.tables.map((table) => [table.id, table.zoneId]))
  const fixedBusy: BusyWindow[] = []
  const movable = new Map<string, MovableBooking>()
  for (const allocation of nearby) {
    if (!allocation.movable || !allocation.bookingId || allocation.bookingId === booking.id) {
      fixedBusy.push({ tableId: allocation.tableId, start: allocation.start, end: allocation.end })
      continue
    }
    const entry = movable.get(allocation.bookingId) ?? {
      id: allocation.bookingId,
      partySize: allocation.partySize ?? 1,
      window: { start: allocation.start, end: allocation.end },
      tableIds: [],
      // a guest stays in the zone they sit in (or asked for)
      zoneId: zoneOf.get(allocation.tableId) ?? '',
    }
    entry.tableIds.push(allocation.tableId)
    movable.set(allocation.bookingId, entry)
  }
  // in table keys, like every planner call of the engine, so equal rearrangements tie the same way
  const keyed = keyedFloor(floor)
  const inKeys = findReseating({
    tables: keyed.tables,
    adjacency: keyed.adjacency,
    fixedBusy: busyInKeys(keyed, fixedBusy),
    movable: [...movable.values()].map((entry) => ({ ...entry, tableIds: idsInKeys(keyed, entry.tableIds)! })),
    request: { partySize: booking.partySize, window, zoneId: booking.zoneId },
    maxTables: decision.knobs.maxTables,
    requireAdjacency: decision.knobs.requireAdjacency,
    maxNodes: RESEAT_MAX_NODES,
  })
  deps.metrics.reseatSearches.inc({ result: inKeys.ok ? 'found' : inKeys.reason })
  if (!inKeys.ok || inKeys.moves.length === 0) return null
  const toIds = (keys: string[]) => keys.map((key) => keyed.idByKey.get(key)!)
  const found = {
    plan: { ...inKeys.plan, tableIds: toIds(inKeys.plan.tableIds) },
    moves: inKeys.moves.map((move) => ({ ...move, from: toIds(move.from), to: toIds(move.to) })),
  }

  try {
    await deps.db.transaction(async (tx) => {
      for (const move of found.moves) {
        const moved = movable.get(move.bookingId)!
        await moveBookingTables(tx, {
          restaurantId: booking.restaurantId,
          bookingId: move.bookingId,
          fromTableIds: move.from,
          toTableIds: move.to,
          window: { start: new Date(moved.window.start), end: new Date(moved.window.end) },
          now,
        })
      }
      await bumpAvailabilityVersion(tx, booking.restaurantId)
    })
  } catch (error) {
    // lost a race: a moved booking changed, or someone took a table; nothing was written
    if (sqlState(error) === SQLSTATE.exclusionViolation) return null
    if (error instanceof AppError && error.code === 'RESEAT_STALE') return null
    throw error
  }
  for (const move of found.moves) {
    deps.events.record({
      type: 'booking.reseated',
      source: 'engine',
      restaurantId: booking.restaurantId,
      bookingId: move.bookingId,
      context: {
        before: keysOf(decision.snapshot, move.from),
        after: keysOf(decision.snapshot, move.to),
        forBooking: booking.id,
        actor: 'engine',
        pipeline: decision.pipeline,
      },
    })
  }
  return { ...found.plan, tableKeys: keysOf(decision.snapshot, found.plan.tableIds), strategy: 'reseat' }
}
