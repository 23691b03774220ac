// findReseating: when no plan exists for a new booking, look for a rearrangement of the movable
// bookings around it that admits it, moving as few bookings as possible.
import { quoteTables } from './quote'
import type { BusyWindow, Plan, PlannerReason, QuoteInput, TableSpec } from './types'

/** A booking that may be moved to other tables (not started, not pinned, not placed by staff). */
export interface MovableBooking {
  id: string
  partySize: number
  window: { start: number; end: number }
  /** the tables it sits at now */
  tableIds: string[]
  /** it stays in this zone (its current tables' zone, or the zone the guest asked for) */
  zoneId: string
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
  affected: number
  nodes: number
  /** the largest number of moves the search tried */
  depth: number
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end

interface Item {
  /** null for the new booking */
  booking: MovableBooking | null
  window: { start: number; end: number }
  /** candidate plans, best first; for a movable booking its current tables come first */
  plans: string[][]
  newPlans?: Plan[]
}

/**
 * Exact for the affected bookings: the movable bookings whose window overlaps the new one's.
 * Movable bookings outside that set, and every fixed window, stay where they are and count as busy.
 *
 * Search: iterative deepening on the number of moved bookings (0, 1, 2 ...), so the first
 * rearrangement found moves the fewest bookings; within a depth the new booking's plans are tried
 * in optimal_fit order and each affected booking tries its current tables first, then its other
 * plans in optimal_fit order, so the answer is deterministic. Candidate plans are the planner's
 * minimal valid plans (no valid proper subset) on the tables no fixed window blocks: wherever a
 * larger plan fits, its minimal subset fits too, so dropping supersets loses no rearrangement.
 */
export function findReseating(input: ReseatInput): ReseatResult {
  const stats: ReseatStats = { affected: 0, nodes: 0, depth: 0 }
  const maxTables = input.maxTables ?? 3
  const requireAdjacency = input.requireAdjacency ?? true
  const base = {
    tables: input.tables,
    adjacency: input.adjacency,
    maxTables,
    requireAdjacency,
  }
  const affected = input.movable.filter((booking) => overlaps(booking.window, input.request.window))
  const staying = input.movable.filter((booking) => !overlaps(booking.window, input.request.window))
  const busy: BusyWindow[] = [
    ...input.fixedBusy,
    ...staying.flatMap((booking) =>
      booking.tableIds.map((tableId) => ({ tableId, start: booking.window.start, end: booking.window.end })),
    ),
  ]
  stats.affected = affected.length

  const allPlans = (query: Pick<QuoteInput, 'partySize' | 'window' | 'zoneId'>) =>
    quoteTables({ ...base, ...query, busy, limit: 1_000_000 })

  const fresh = allPlans({
    partySize: input.request.partySize,
    window: input.request.window,
    zoneId: input.request.zoneId ?? null,
  })
  if (!fresh.ok && fresh.reason !== 'NO_AVAILABILITY') return { ok: false, reason: fresh.reason, stats }
  // a plan with every affected booking removed too: without one, no rearrangement can help
  if (!fresh.ok) return { ok: false, reason: 'NO_REARRANGEMENT', stats }

  // plans arrive in optimal_fit order, so a plan's proper subsets (strictly less overage) come first
  const minimal = (plans: string[][]) => {
    const sorted = plans.map((plan) => [...plan].sort())
    const kept: string[][] = []
    for (const plan of sorted) {
      if (!kept.some((other) => other.length < plan.length && other.every((id) => plan.includes(id)))) kept.push(plan)
    }
    return kept
  }
  const minimalNew = new Set(minimal(fresh.plans.map((plan) => plan.tableIds)).map((plan) => plan.join()))
  const newPlans = fresh.plans.filter((plan) => minimalNew.has([...plan.tableIds].sort().join()))
  const items: Item[] = [
    { booking: null, window: input.request.window, plans: newPlans.map((p) => p.tableIds), newPlans },
  ]
  for (const booking of affected) {
    const quote = allPlans({ partySize: booking.partySize, window: booking.window, zoneId: booking.zoneId })
    const others = quote.ok ? minimal(quote.plans.map((plan) => plan.tableIds)) : []
    const current = [...booking.tableIds].sort()
    items.push({
      booking,
      window: booking.window,
      plans: [current, ...others.filter((plan) => plan.join() !== current.join())],
    })
  }

  const maxNodes = input.maxNodes ?? 200_000
  const chosen: Array<string[] | null> = items.map(() => null)
  let exhausted = false

  const clashes = (index: number, plan: string[]) => {
    for (let other = 0; other < index; other++) {
      const taken = chosen[other]!
      if (overlaps(items[other]!.window, items[index]!.window) && taken.some((id) => plan.includes(id))) return true
    }
    return false
  }

  const visit = (index: number, movesLeft: number): boolean => {
    if (index === items.length) return true
    if (++stats.nodes > maxNodes) {
      exhausted = true
      return false
    }
    const item = items[index]!
    for (const [position, plan] of item.plans.entries()) {
      const isMove = item.booking !== null && position > 0
      if (isMove && movesLeft === 0) break
      if (clashes(index, plan)) continue
      chosen[index] = plan
      if (visit(index + 1, movesLeft - (isMove ? 1 : 0))) return true
      if (exhausted) return false
    }
    chosen[index] = null
    return false
  }

  for (let depth = 0; depth <= affected.length; depth++) {
    stats.depth = depth
    if (visit(0, depth)) {
      const plan = newPlans.find((candidate) => [...candidate.tableIds].sort().join() === chosen[0]!.join())!
      const moves: ReseatMove[] = []
      items.forEach((item, index) => {
        if (!item.booking) return
        const from = [...item.booking.tableIds].sort()
        const to = chosen[index]!
        if (from.join() !== to.join()) moves.push({ bookingId: item.booking.id, from, to })
      })
      return { ok: true, plan, moves, stats }
    }
    if (exhausted) return { ok: false, reason: 'SEARCH_BUDGET_EXHAUSTED', stats }
  }
  return { ok: false, reason: 'NO_REARRANGEMENT', stats }
}
