// The candidate plans of a re-seating: the new booking's, and each movable booking's, computed once
// and shared by the search (planner/reseat.ts) and the exact model (planner/reseat-model.ts).
import { quoteTables } from './quote'
import type { Plan, PlannerReason } from './types'
import type { ReseatInput } from './reseat'

export interface ReseatBooking {
  id: string
  partySize: number
  window: { start: number; end: number }
  zoneId: string | null
  /** the tables it sits at now, sorted */
  current: string[]
}

export interface ReseatPlans {
  /** the new booking's minimal plans on the tables no fixed window blocks, in optimal_fit order */
  newPlans: Plan[]
  bookings: ReseatBooking[]
  /** a booking's minimal plans (tables sorted), computed on first use */
  minimalOf(index: number): string[][]
  /** its minimal plans other than where it sits */
  otherPlans(index: number): string[][]
  /** how many bookings had their plans asked for */
  asked(): number
}

/**
 * Candidate plans are the planner's minimal valid plans (no valid proper subset) on the tables no
 * fixed window blocks: wherever a larger plan fits, its minimal subset fits too, so dropping
 * supersets loses no rearrangement. A booking's plans are computed when first asked for; bookings
 * of one party size, zone and window (most of an evening's twos at 19:30) share the planner's answer.
 * A failure: the new booking has no plan even with every movable booking gone.
 */
export function reseatPlans(
  input: ReseatInput,
): { ok: true; plans: ReseatPlans } | { ok: false; reason: PlannerReason | 'NO_REARRANGEMENT' } {
  const base = {
    tables: input.tables,
    adjacency: input.adjacency,
    maxTables: input.maxTables ?? 3,
    requireAdjacency: input.requireAdjacency ?? true,
    busy: input.fixedBusy,
    limit: 1_000_000,
  }
  const fresh = quoteTables({
    ...base,
    partySize: input.request.partySize,
    window: input.request.window,
    zoneId: input.request.zoneId ?? null,
  })
  if (!fresh.ok && fresh.reason !== 'NO_AVAILABILITY') return { ok: false, reason: fresh.reason }
  // no plan even with every movable booking gone: no rearrangement can help
  if (!fresh.ok) return { ok: false, reason: 'NO_REARRANGEMENT' }
  const minimalNew = new Set(minimal(fresh.plans.map((plan) => plan.tableIds)).map((plan) => plan.join()))
  const newPlans = fresh.plans.filter((plan) => minimalNew.has([...plan.tableIds].sort().join()))

  const bookings = input.movable.map((booking) => ({
    id: booking.id,
    partySize: booking.partySize,
    window: booking.window,
    zoneId: booking.zoneId,
    current: [...booking.tableIds].sort(),
  }))
  const byKind = new Map<string, string[][]>()
  const minimalOf = (index: number): string[][] => {
    const booking = bookings[index]!
    const key = `${booking.partySize}|${booking.zoneId ?? ''}|${booking.window.start}|${booking.window.end}`
    let all = byKind.get(key)
    if (!all) {
      const quote = quoteTables({
        ...base,
        partySize: booking.partySize,
        window: booking.window,
        zoneId: booking.zoneId,
      })
      all = quote.ok ? minimal(quote.plans.map((plan) => plan.tableIds)) : []
      byKind.set(key, all)
    }
    return all
  }
  const others = new Map<number, string[][]>()
  const otherPlans = (index: number): string[][] => {
    let plans = others.get(index)
    if (!plans) {
      const current = bookings[index]!.current.join()
      plans = minimalOf(index).filter((plan) => plan.join() !== current)
      others.set(index, plans)
    }
    return plans
  }
  return { ok: true, plans: { newPlans, bookings, minimalOf, otherPlans, asked: () => others.size } }
}

/** plans arrive in optimal_fit order, so a plan's proper subsets (strictly less overage) come first */
function minimal(plans: string[][]): string[][] {
  const sorted = plans.map((plan) => [...plan].sort())
  const kept: string[][] = []
  for (const plan of sorted) {
    if (!kept.some((other) => other.length < plan.length && other.every((id) => plan.includes(id)))) kept.push(plan)
  }
  return kept
}
