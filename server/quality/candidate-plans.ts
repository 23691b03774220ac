import { quoteTables, type TableSpec } from '../../planner/index.ts'
import type { FloorInput } from '../restaurants/floor-schema.ts'

/** The planner's knobs the engine uses inline (server/assignment/quote.ts DEFAULT_KNOBS). */
export interface PlanKnobs {
  maxTables: number
  requireAdjacency: boolean
}

export interface FloorModel {
  tables: TableSpec[]
  adjacency: Array<[string, string]>
}

/** The floor as the planner sees it, with table keys as ids (the references speak in keys). */
export function floorModel(floor: FloorInput): FloorModel {
  return {
    tables: floor.tables.map((table) => ({
      id: table.key,
      zoneId: table.zone,
      capacity: table.capacity,
      ...(table.minParty !== undefined ? { minParty: table.minParty } : {}),
      ...(table.maxParty !== undefined ? { maxParty: table.maxParty } : {}),
      ...(table.mergeable !== undefined ? { mergeable: table.mergeable } : {}),
      ...(table.active !== undefined ? { active: table.active } : {}),
    })),
    adjacency: (floor.adjacency ?? []).map(([a, b]) => [a, b] as [string, string]),
  }
}

const ALL_PLANS = 1_000_000

/**
 * Every minimal valid plan for a party on an empty floor: the planner is the one place that
 * searches table combinations, so the references ask it for all of them (a huge `limit`) and keep
 * those with no valid proper subset. Dropping supersets loses nothing for a reference: wherever a
 * superset seats the party, its minimal subset does too and leaves more tables free.
 */
export function minimalPlans(model: FloorModel, partySize: number, zone: string | null, knobs: PlanKnobs): string[][] {
  const quote = quoteTables({
    tables: model.tables,
    adjacency: model.adjacency,
    busy: [],
    partySize,
    window: { start: 0, end: 1 },
    zoneId: zone,
    maxTables: knobs.maxTables,
    requireAdjacency: knobs.requireAdjacency,
    limit: ALL_PLANS,
  })
  if (!quote.ok) return []
  const plans = quote.plans.map((plan) => [...plan.tableIds].sort())
  // fewest tables first, so each plan's possible subsets are already kept when it is checked
  plans.sort((a, b) => a.length - b.length)
  const kept: string[][] = []
  for (const plan of plans) {
    const members = new Set(plan)
    if (!kept.some((smaller) => smaller.length < plan.length && smaller.every((id) => members.has(id)))) kept.push(plan)
  }
  return kept
}
