import type { BusyWindow, Quote, TableSpec } from '../../planner/index.ts'
import type { FloorSnapshot } from './floor-snapshot.ts'

/** A floor as the planner sees it when it is asked in table keys. */
export interface KeyedFloor {
  tables: TableSpec[]
  adjacency: Array<[string, string]>
  idByKey: Map<string, string>
  keyById: Map<string, string>
}

const keyedFloors = new WeakMap<FloorSnapshot, KeyedFloor>()

/**
 * The planner breaks ties between equally good plans on table ids (docs/planner.md). Our ids are
 * random UUIDs, so ties fell in an order that changed with every import of a floor: the same
 * evening seated differently on two runs. The engine asks the planner in table keys instead
 * (stable, and meaningful to the restaurant: "T4" before "T6") and maps its answer back to ids.
 * One keyed copy per floor snapshot, so the planner's per-floor cache (keyed by array identity)
 * still hits.
 */
export function keyedFloor(floor: FloorSnapshot): KeyedFloor {
  let keyed = keyedFloors.get(floor)
  if (!keyed) {
    const keyOf = (id: string) => floor.keyById.get(id) ?? id
    keyed = {
      tables: floor.tables.map((table) => ({ ...table, id: keyOf(table.id) })),
      adjacency: floor.adjacency.map(([a, b]) => [keyOf(a), keyOf(b)] as [string, string]),
      idByKey: new Map([...floor.keyById].map(([id, key]) => [key, id])),
      keyById: floor.keyById,
    }
    keyedFloors.set(floor, keyed)
  }
  return keyed
}

/** Busy windows in keys; a window of a table that is not on the floor any more is dropped. */
export function busyInKeys(keyed: KeyedFloor, busy: BusyWindow[]): BusyWindow[] {
  const out: BusyWindow[] = []
  for (const window of busy) {
    const key = keyed.keyById.get(window.tableId)
    if (key !== undefined) out.push({ tableId: key, start: window.start, end: window.end })
  }
  return out
}

export function idsInKeys(keyed: KeyedFloor, ids: string[] | undefined): string[] | undefined {
  return ids?.map((id) => keyed.keyById.get(id) ?? id)
}

/** The planner's answer with table ids again (each plan keeps the planner's key order). */
export function quoteInIds(keyed: KeyedFloor, quote: Quote): Quote {
  if (!quote.ok) return quote
  return {
    ...quote,
    plans: quote.plans.map((plan) => ({ ...plan, tableIds: plan.tableIds.map((key) => keyed.idByKey.get(key)!) })),
  }
}
