// findReseating: when no plan exists for a new booking, look for a rearrangement of the movable
// bookings around it that admits it, moving as few bookings as possible.
import { reseatPlans } from './reseat-plans'
import type { BusyWindow, Plan, PlannerReason, TableSpec } from './types'

/** A booking that may be moved to other tables (not started, not pinned, not placed by staff). */
export interface MovableBooking {
  id: string
  partySize: number
  window: { start: number; end: number }
  /** the tables it sits at now */
  tableIds: string[]
  /** the zone the guest asked for, where it must stay; null: any zone */
  zoneId: string | null
}

export interface ReseatInput {
  tables: TableSpec[]
  adjacency: Array<[string, string]>
  /** windows that never move: started, pinned or staff-placed bookings, holds */
  fixedBusy: BusyWindow[]
  movable: MovableBooking[]
  request: { partySize: number; window: { start: number; end: number }; zoneId?: string | null }
  maxTables?: number
  requireAdjacency?: boolean
  /** search nodes before giving up with SEARCH_BUDGET_EXHAUSTED; default 200 000 */
  maxNodes?: number
}

export interface ReseatMove {
  bookingId: string
  from: string[]
  to: string[]
}

export type ReseatResult =
  | { ok: true; plan: Plan; moves: ReseatMove[]; stats: ReseatStats }
  | { ok: false; reason: PlannerReason | 'NO_REARRANGEMENT' | 'SEARCH_BUDGET_EXHAUSTED'; stats: ReseatStats }

export interface ReseatStats {
  /** movable bookings the search considered moving (those that clashed at some node) */
  affected: number
  nodes: number
  /** the largest number of moves the search tried */
  depth: number
  /** set when the search ran out of nodes and the exact MIP settled it (server/assignment/reseat-exact.ts) */
  exact?: 'mip'
}

/** search nodes after which a search that has not succeeded tries the capacity proof */
export const PROOF_AFTER_NODES = 256

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end

/**
 * Exact over every movable booking given: the fewest moves that admit the new booking, chains
 * included (a booking moved to make room may displace another, which moves in turn), across zones
 * for the bookings whose guests asked for none. Fixed windows never move.
 *
 * Search: iterative deepening on the number of moved bookings (0, 1, 2 ...); within a depth the new
 * booking's plans are tried in optimal_fit order. Conflict-directed: the bookings whose current
 * tables clash with the new booking or with a booking already moved must move; a node picks the one
 * with the fewest plans left (ties: input order) and branches on those plans in optimal_fit order.
 * A booking clashing with nothing never moves; a node with more clashing bookings than moves left,
 * or with a clashing booking that has no plan left, is cut. Every rearrangement with
 * k moves is reached at depth k: the clashing booking must move in it, and one branch gives it the
 * plan that rearrangement gives it. Candidate plans are the planner's minimal valid plans (no valid
 * proper subset) on the tables no fixed window blocks: wherever a larger plan fits, its minimal
 * subset fits too, so dropping supersets loses no rearrangement. Deterministic for a given input.
 * A search still running after PROOF_AFTER_NODES nodes tries a capacity proof (provablyImpossible)
 * that answers NO_REARRANGEMENT for a window that cannot hold everyone at some instant: without it
 * such searches ran to their node budget. Complete, but not always fast: on a full evening the
 * fewest moves may lie past millions of nodes, so the engine hands an exhausted search to the same
 * problem as a MIP (reseatModel, solved in server/assignment/reseat-exact.ts).
 */
export function findReseating(input: ReseatInput): ReseatResult {
  const stats: ReseatStats = { affected: 0, nodes: 0, depth: 0 }
  const candidates = reseatPlans(input)
  if (!candidates.ok) return { ok: false, reason: candidates.reason, stats }
  const { newPlans, bookings, minimalOf, otherPlans } = candidates.plans
  // which movable bookings sit at each table now
  const atTable = new Map<string, number[]>()
  bookings.forEach((booking, index) => {
    for (const id of booking.current) atTable.set(id, [...(atTable.get(id) ?? []), index])
  })

  // the capacity proof costs a planner call per kind of booking around: only a search that has not
  // succeeded within PROOF_AFTER_NODES pays it (most successful ones need a move or two)
  const impossible = () =>
    provablyImpossible(
      input,
      newPlans.map((plan) => plan.tableIds),
      // every plan a booking may end at: its minimal plans, and where it sits now
      bookings.map((booking, index) => ({
        window: booking.window,
        current: booking.current,
        plans: () => minimalOf(index),
      })),
    )

  // the new booking and the moved bookings, at their chosen plans
  const placed: Array<{ index: number | null; window: { start: number; end: number }; plan: string[] }> = []
  const moved = new Set<number>()
  const maxNodes = input.maxNodes ?? 200_000
  /** why the search stopped early: its node budget, or the capacity proof */
  let stopped: 'budget' | 'proof' | null = null

  /** movable bookings still at their current tables that clash with a placed one, in input order */
  const clashing = (): number[] => {
    const found = new Set<number>()
    for (const one of placed) {
      for (const id of one.plan) {
        for (const index of atTable.get(id) ?? []) {
          if (index !== one.index && !moved.has(index) && overlaps(bookings[index]!.window, one.window))
            found.add(index)
        }
      }
    }
    return [...found].sort((a, b) => a - b)
  }
  const clashesPlaced = (window: { start: number; end: number }, plan: string[]) =>
    placed.some((one) => overlaps(one.window, window) && one.plan.some((id) => plan.includes(id)))

  const visit = (movesLeft: number): boolean => {
    if (++stats.nodes > maxNodes) {
      stopped = 'budget'
      return false
    }
    if (stats.nodes === PROOF_AFTER_NODES && impossible()) {
      stopped = 'proof'
      return false
    }
    const pending = clashing()
    if (pending.length === 0) return true
    if (pending.length > movesLeft) return false
    // fail first: the clashing booking with the fewest plans left moves next; none left cuts
    let index = -1
    let options: string[][] = []
    for (const candidate of pending) {
      const window = bookings[candidate]!.window
      const open = otherPlans(candidate).filter((plan) => !clashesPlaced(window, plan))
      if (open.length === 0) return false
      if (index === -1 || open.length < options.length) {
        index = candidate
        options = open
      }
    }
    const booking = bookings[index]!
    for (const plan of options) {
      moved.add(index)
      placed.push({ index, window: booking.window, plan })
      if (visit(movesLeft - 1)) return true
      placed.pop()
      moved.delete(index)
      if (stopped) return false
    }
    return false
  }

  const involved = () => new Set(placed.flatMap((one) => (one.index === null ? [] : [one.index])))
  for (let depth = 0; depth <= bookings.length; depth++) {
    stats.depth = depth
    for (const plan of newPlans) {
      placed.length = 0
      moved.clear()
      placed.push({ index: null, window: input.request.window, plan: [...plan.tableIds].sort() })
      if (visit(depth)) {
        const moves: ReseatMove[] = [...involved()].map((index) => ({
          bookingId: bookings[index]!.id,
          from: bookings[index]!.current,
          to: placed.find((one) => one.index === index)!.plan,
        }))
        stats.affected = candidates.plans.asked()
        return { ok: true, plan, moves, stats }
      }
      if (stopped) {
        stats.affected = candidates.plans.asked()
        return { ok: false, reason: stopped === 'budget' ? 'SEARCH_BUDGET_EXHAUSTED' : 'NO_REARRANGEMENT', stats }
      }
    }
  }
  stats.affected = candidates.plans.asked()
  return { ok: false, reason: 'NO_REARRANGEMENT', stats }
}

/**
 * A proof that no rearrangement exists, from capacity alone, before any search: a search that
 * cannot succeed otherwise runs to its node budget (tens of ms on the booking path, issue 15).
 * At each instant where the new booking is seated (its start, and every movable booking's start
 * inside its window) every booking present sits at its own tables, and each of its plans uses
 * tables free of fixed windows then. So (1) a booking whose every plan has m tables needs m
 * distinct tables of its plans: a matching of m copies of each booking onto tables must exist; and
 * (2) the smallest capacity each can be seated with, summed, fits in the tables they could use.
 * Both are necessary; failing either at one instant proves NO_REARRANGEMENT. Bookings whose
 * windows miss the instant, and plans' time extents, are ignored, so it proves less than the
 * search, never more.
 */
export function provablyImpossible(
  input: ReseatInput,
  newPlans: string[][],
  movable: Array<{ window: { start: number; end: number }; current: string[]; plans: () => string[][] }>,
): boolean {
  const capacity = new Map(input.tables.map((table) => [table.id, table.capacity]))
  const seats = (plan: string[]) => plan.reduce((sum, id) => sum + (capacity.get(id) ?? 0), 0)
  const window = input.request.window
  const instants = new Set([window.start])
  for (const booking of movable) {
    if (booking.window.start > window.start && booking.window.start < window.end) instants.add(booking.window.start)
  }
  for (const instant of instants) {
    const blocked = new Set(
      input.fixedBusy.filter((busy) => busy.start <= instant && instant < busy.end).map((busy) => busy.tableId),
    )
    // a booking may always stay where it sits, even at a table a fixed window covers: the search
    // never checks a booking that does not move against them (a caller may pass windows that only
    // keep tables from the new booking and from bookings moved for it: peak pacing's held tables)
    const present = [
      { stays: null, plans: newPlans },
      ...movable
        .filter((b) => b.window.start <= instant && instant < b.window.end)
        .map((b) => ({ stays: b.current, plans: b.plans() })),
    ]
    const copies: string[][] = []
    let needed = 0
    for (const { stays, plans } of present) {
      const usable = [...(stays ? [stays] : []), ...plans.filter((plan) => plan.every((id) => !blocked.has(id)))]
      if (usable.length === 0) return true
      const tables = [...new Set(usable.flat())].sort()
      const fewest = Math.min(...usable.map((plan) => plan.length))
      for (let copy = 0; copy < fewest; copy++) copies.push(tables)
      needed += Math.min(...usable.map(seats))
    }
    const usableTables = new Set(copies.flat())
    if (copies.length > usableTables.size) return true
    if (needed > seats([...usableTables])) return true
    if (!perfectMatching(copies)) return true
  }
  return false
}

/** Whether every row can have a distinct one of its tables (augmenting paths; rows are few). */
function perfectMatching(rows: string[][]): boolean {
  const owner = new Map<string, number>()
  const augment = (row: number, seen: Set<string>): boolean => {
    for (const id of rows[row]!) {
      if (seen.has(id)) continue
      seen.add(id)
      const current = owner.get(id)
      if (current === undefined || augment(current, seen)) {
        owner.set(id, row)
        return true
      }
    }
    return false
  }
  for (let row = 0; row < rows.length; row++) if (!augment(row, new Set())) return false
  return true
}
