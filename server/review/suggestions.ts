import { quoteTables, type BusyWindow, type Plan, type TableSpec } from '../../planner/index.ts'
import { DEFAULT_KNOBS, type StrategyKnobs } from '../assignment/quote.ts'
import type { StoredSuggestion } from '../db/schema/review.ts'

/** What can be relaxed, in the order a host would try: the cheapest change to the booking first. */
export const RELAXATIONS = ['adjacency', 'max_tables', 'zone', 'start-15', 'start+15', 'start-30', 'start+30'] as const
export type Relaxation = (typeof RELAXATIONS)[number]

export interface SuggestionInput {
  tables: TableSpec[]
  adjacency: Array<[string, string]>
  /** live allocations around the booking, shifted windows included (start - 30 min .. end + 30 min) */
  busy: BusyWindow[]
  keyById: ReadonlyMap<string, string>
  zoneKeyById: ReadonlyMap<string, string>
  floorVersion: string
  booking: { partySize: number; startAt: Date; endAt: Date; zoneId: string | null }
  /** a moved booking never starts in the past */
  now: Date
  knobs?: StrategyKnobs
  /** plans per variant; the whole list is capped at `maxSuggestions` */
  perVariant?: number
  maxSuggestions?: number
}

interface Variant {
  relaxed: Relaxation[]
  shiftMinutes: number
  requireAdjacency: boolean
  maxTables: number
  zoneId: string | null
  /** plans to drop: the as-booked zone when the variant is "another zone" */
  excludeZoneId: string | null
}

function variants(input: SuggestionInput, knobs: StrategyKnobs): Variant[] {
  const base: Variant = {
    relaxed: [],
    shiftMinutes: 0,
    requireAdjacency: knobs.requireAdjacency,
    maxTables: knobs.maxTables,
    zoneId: input.booking.zoneId,
    excludeZoneId: null,
  }
  const list: Variant[] = [base]
  for (const relaxation of RELAXATIONS) {
    if (relaxation === 'adjacency') {
      if (knobs.requireAdjacency) list.push({ ...base, relaxed: ['adjacency'], requireAdjacency: false })
    } else if (relaxation === 'max_tables') {
      list.push({ ...base, relaxed: ['max_tables'], maxTables: knobs.maxTables + 1 })
    } else if (relaxation === 'zone') {
      // without a zone preference every zone is already searched: nothing to relax
      if (input.booking.zoneId) {
        list.push({ ...base, relaxed: ['zone'], zoneId: null, excludeZoneId: input.booking.zoneId })
      }
    } else {
      const shiftMinutes = Number(relaxation.slice('start'.length))
      list.push({ ...base, relaxed: [relaxation], shiftMinutes })
    }
  }
  return list
}

/**
 * Suggested plans for a booking the engine could not seat: the planner as booked, then with one
 * constraint relaxed at a time (RELAXATIONS). Pure and deterministic: the same floor, busy windows
 * and booking give the same list. A plan found by an earlier variant is not repeated by a later
 * one (the cheaper relaxation names it); each suggestion says what it relaxed.
 */
export function suggestPlans(input: SuggestionInput): StoredSuggestion[] {
  const knobs = input.knobs ?? DEFAULT_KNOBS
  const perVariant = input.perVariant ?? 3
  const maxSuggestions = input.maxSuggestions ?? 12
  const duration = input.booking.endAt.getTime() - input.booking.startAt.getTime()
  const seen = new Set<string>()
  const out: StoredSuggestion[] = []
  for (const variant of variants(input, knobs)) {
    const start = input.booking.startAt.getTime() + variant.shiftMinutes * 60_000
    if (start <= input.now.getTime()) continue
    const quote = quoteTables({
      tables: input.tables,
      adjacency: input.adjacency,
      floorVersion: input.floorVersion,
      busy: input.busy,
      partySize: input.booking.partySize,
      window: { start, end: start + duration },
      zoneId: variant.zoneId,
      maxTables: variant.maxTables,
      requireAdjacency: variant.requireAdjacency,
      // one extra per excluded zone, so the variant still offers `perVariant` of its own
      limit: variant.excludeZoneId ? perVariant * 3 : perVariant,
    })
    if (!quote.ok) continue
    const plans = quote.plans.filter((plan: Plan) => plan.zoneId !== variant.excludeZoneId).slice(0, perVariant)
    for (const plan of plans) {
      const tables = plan.tableIds.map((id) => input.keyById.get(id) ?? id).sort()
      const startAt = new Date(start).toISOString()
      const id = `${startAt}|${tables.join('+')}`
      if (seen.has(id)) continue
      seen.add(id)
      out.push({
        id,
        tables,
        zone: input.zoneKeyById.get(plan.zoneId) ?? plan.zoneId,
        capacity: plan.capacity,
        relaxed: variant.relaxed,
        startAt,
        overage: plan.overage,
      })
      if (out.length >= maxSuggestions) return out
    }
  }
  return out
}

/** How far around the booking the busy windows must reach for every shifted variant. */
export const SUGGESTION_REACH_MS = 30 * 60_000
