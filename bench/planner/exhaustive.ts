// Exhaustive baseline for the benchmark (optimal_fit only): for each zone, take the available
// tables (active, not avoided, free in the window), enumerate EVERY subset of 1..maxTables of
// them, keep the valid ones, sort all of them by (overage, tables, ids) and return the first
// `limit`. No bounds, no pruning. Adjacency lookups use a Set prepared once per floor.
import type { Plan, QuoteInput, TableSpec } from '../../planner/index'

const edgeSets = new WeakMap<object, Map<string, Set<string>>>()

function neighbours(input: QuoteInput): Map<string, Set<string>> {
  let map = edgeSets.get(input.adjacency)
  if (!map) {
    map = new Map()
    for (const [a, b] of input.adjacency) {
      if (!map.has(a)) map.set(a, new Set())
      if (!map.has(b)) map.set(b, new Set())
      map.get(a)!.add(b)
      map.get(b)!.add(a)
    }
    edgeSets.set(input.adjacency, map)
  }
  return map
}

interface Found {
  ids: string[]
  zoneId: string
  capacity: number
  overage: number
  count: number
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function compare(a: Found, b: Found): number {
  if (a.overage !== b.overage) return a.overage - b.overage
  if (a.count !== b.count) return a.count - b.count
  for (let i = 0; i < a.ids.length; i++) {
    const c = byString(a.ids[i] as string, b.ids[i] as string)
    if (c !== 0) return c
  }
  return 0
}

export function exhaustivePlans(input: QuoteInput): Plan[] {
  const p = input.partySize
  const m = input.maxTables ?? 3
  const requireAdjacency = input.requireAdjacency ?? true
  const avoid = new Set(input.avoidTableIds ?? [])
  const busy = new Set<string>()
  for (const b of input.busy) {
    if (b.start < b.end && b.start < input.window.end && input.window.start < b.end) busy.add(b.tableId)
  }
  const nbr = neighbours(input)
  const zones = new Map<string, TableSpec[]>()
  for (const t of input.tables) {
    if (t.active === false || avoid.has(t.id) || busy.has(t.id)) continue
    if (input.zoneId != null && t.zoneId !== input.zoneId) continue
    if (!zones.has(t.zoneId)) zones.set(t.zoneId, [])
    zones.get(t.zoneId)!.push(t)
  }
  const found: Found[] = []
  const pick: TableSpec[] = []
  const connected = (): boolean => {
    const seen = new Set<string>([pick[0]!.id])
    const queue = [pick[0]!.id]
    while (queue.length > 0) {
      const v = queue.pop()!
      for (const t of pick) {
        if (!seen.has(t.id) && nbr.get(v)?.has(t.id)) {
          seen.add(t.id)
          queue.push(t.id)
        }
      }
    }
    return seen.size === pick.length
  }
  for (const [zoneId, list] of zones) {
    const walk = (from: number): void => {
      if (pick.length > 0) {
        const capacity = pick.reduce((s, t) => s + t.capacity, 0)
        let ok = capacity >= p
        if (ok && pick.length === 1) {
          const t = pick[0]!
          ok = (t.minParty ?? 1) <= p && p <= (t.maxParty ?? t.capacity)
        } else if (ok) {
          ok = pick.every((t) => t.mergeable !== false) && (!requireAdjacency || connected())
        }
        if (ok) {
          const ids = pick.map((t) => t.id).sort(byString)
          found.push({ ids, zoneId, capacity, overage: capacity - p, count: pick.length })
        }
      }
      if (pick.length === m) return
      for (let i = from; i < list.length; i++) {
        pick.push(list[i]!)
        walk(i + 1)
        pick.pop()
      }
    }
    walk(0)
  }
  found.sort(compare)
  return found.slice(0, input.limit ?? 5).map((f) => ({
    tableIds: f.ids,
    zoneId: f.zoneId,
    capacity: f.capacity,
    overage: f.overage,
    score: f.overage + (f.count - 1) / f.count,
  }))
}
