import type { BusyWindow, MovableBooking } from '../../../planner/index.ts'
import { findReseatingExact } from '../reseat-exact.ts'
import { admitReseat } from '../reseat-admission.ts'
import { listNearbyAllocations } from '../../db/queries/reseat.ts'
import type { Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import { busyInKeys, idsInKeys, keyedFloor } from '../key-ordered-floor.ts'
import type { StrategyKnobs } from '../quote.ts'
import { keysOf, type ChosenPlan, type Decision, type PlannedMove } from './decide.ts'
import type { FloorSnapshot } from '../floor-snapshot.ts'

/** Bookings starting sooner than this are never moved: their guests may already be on the way. */
export const DEFAULT_RESEAT_LEAD_MINUTES = 60

/** Longest block window a booking can have (480 min + 120 min buffer): the span of possible clashes. */
const MAX_WINDOW_MS = 10 * 3_600_000

/** A search that runs on the booking path: bounded, and an exhausted budget is not a "no". */
const RESEAT_MAX_NODES = 50_000

export interface ReseatOptions {
  leadMinutes?: number
  /**
   * tables peak pacing keeps from this party (steps/snapshot.ts): busy for the new booking's
   * window, so neither it nor a booking moved for it lands there
   */
  heldTableIds?: string[]
  /**
   * the caller's deadline: a search still waiting for a worker is dropped and the promise rejects
   * (QuoteAborted); one running finishes on its worker, unanswered
   */
  signal?: AbortSignal
}

/**
 * Online re-seating, behind the `assignment.reseat` flag. When a decision found no free plan
 * (NO_AVAILABILITY), look for the fewest moves of not-yet-started, unpinned, confirmed bookings
 * not placed by staff that make room (planner/reseat.ts: chains of moves, across zones for guests
 * who asked for none, exact for the bookings around this one's window).
 * Writes nothing: the plan it returns carries its moves, and the commit step writes the moves, the
 * new booking's hold and its confirm in one transaction (commitWithMoves), so either all of them
 * land or none. Null when the flag is off or no rearrangement exists.
 */
export async function reseatForDecision(
  deps: AssignmentDeps,
  booking: Booking,
  decision: Decision,
  options: ReseatOptions = {},
): Promise<ChosenPlan | null> {
  if (decision.shadow || decision.plans.length > 0 || decision.reason !== 'NO_AVAILABILITY') return null
  const context = { restaurantId: booking.restaurantId, bookingId: booking.id }
  if (!(await deps.flags.boolean('assignment.reseat', context))) return null
  const admission = admitReseat(
    deps.intakeInFlight?.() ?? 0,
    await deps.flags.number('assignment.reseat_max_intake', context),
  )
  if (!admission.search) {
    deps.metrics.reseatSearches.inc({ result: admission.why })
    return null
  }
  return planReseating(deps, booking, decision.snapshot.floor, decision.knobs, {
    ...options,
    heldTableIds: decision.snapshot.availability.heldTableIds ?? [],
  })
}

/**
 * The re-seating search for one booking on `floor`, reading the live allocations around its
 * window (no flag check: the review page's suggestions use it too). Null when nothing can be moved
 * to make room.
 */
export async function planReseating(
  deps: AssignmentDeps,
  booking: Pick<Booking, 'id' | 'restaurantId' | 'partySize' | 'startAt' | 'endAt' | 'zoneId'>,
  floor: FloorSnapshot,
  knobs: Pick<StrategyKnobs, 'maxTables' | 'requireAdjacency'>,
  options: ReseatOptions = {},
): Promise<ChosenPlan | null> {
  const now = deps.now()
  const window = { start: booking.startAt.getTime(), end: booking.endAt.getTime() }
  const span = { start: window.start - MAX_WINDOW_MS, end: window.end + MAX_WINDOW_MS }
  const nearby = await listNearbyAllocations(deps.db, {
    restaurantId: booking.restaurantId,
    span: { start: new Date(span.start), end: new Date(span.end) },
    now,
    movableFrom: new Date(now.getTime() + (options.leadMinutes ?? DEFAULT_RESEAT_LEAD_MINUTES) * 60_000),
  })
  const fixedBusy: BusyWindow[] = []
  const movable = new Map<string, MovableBooking>()
  for (const tableId of options.heldTableIds ?? []) fixedBusy.push({ tableId, start: window.start, end: window.end })
  for (const allocation of nearby) {
    // a chain may move any booking inside the span (every allocation that could clash with its
    // new tables was read); one reaching past it stays where it is
    const inside = allocation.start >= span.start && allocation.end <= span.end
    if (!allocation.movable || !inside || !allocation.bookingId || allocation.bookingId === booking.id) {
      fixedBusy.push({ tableId: allocation.tableId, start: allocation.start, end: allocation.end })
      continue
    }
    const entry = movable.get(allocation.bookingId) ?? {
      id: allocation.bookingId,
      partySize: allocation.partySize ?? 1,
      window: { start: allocation.start, end: allocation.end },
      tableIds: [],
      // a guest who asked for a zone stays in it; the others may move to any zone
      zoneId: allocation.zoneId,
    }
    entry.tableIds.push(allocation.tableId)
    movable.set(allocation.bookingId, entry)
  }
  // in table keys, like every planner call of the engine, so equal rearrangements tie the same way;
  // the search on the quote pool, so one that runs long does so on a worker thread (reseat-exact.ts)
  const keyed = keyedFloor(floor)
  const inKeys = await findReseatingExact(
    {
      tables: keyed.tables,
      adjacency: keyed.adjacency,
      fixedBusy: busyInKeys(keyed, fixedBusy),
      movable: [...movable.values()].map((entry) => ({ ...entry, tableIds: idsInKeys(keyed, entry.tableIds)! })),
      request: { partySize: booking.partySize, window, zoneId: booking.zoneId },
      maxTables: knobs.maxTables,
      requireAdjacency: knobs.requireAdjacency,
      maxNodes: RESEAT_MAX_NODES,
    },
    { floorVersion: `${booking.restaurantId}:${floor.floorVersion}:keys`, signal: options.signal },
  )
  deps.metrics.reseatSearches.inc({ result: inKeys.ok ? 'found' : inKeys.reason })
  if (!inKeys.ok || inKeys.moves.length === 0) return null
  const toIds = (keys: string[]) => keys.map((key) => keyed.idByKey.get(key)!)
  const moves: PlannedMove[] = inKeys.moves.map((move) => {
    const moved = movable.get(move.bookingId)!
    return {
      bookingId: move.bookingId,
      from: toIds(move.from),
      to: toIds(move.to),
      fromKeys: [...move.from].sort(),
      toKeys: [...move.to].sort(),
      window: { start: new Date(moved.window.start), end: new Date(moved.window.end) },
    }
  })
  const tableIds = toIds(inKeys.plan.tableIds)
  return {
    ...inKeys.plan,
    tableIds,
    tableKeys: keysOf({ floor }, tableIds),
    strategy: 'reseat',
    moves,
  }
}
