// Brute-force reference model of the planner contract (docs/planner.md) and of the strategies
// documented in planner/strategies.ts. Written straight from the rules, with no pruning and
// nothing shared with planner/: enumerate every subset of up to maxTables tables, keep the valid
// ones, sort them by the strategy key, take the first `limit`.
import type { Plan, PlannerReason, QuoteInput, TableSpec } from '../../../planner/index'

export interface ReferenceResult {
  ok: boolean
  plans: Plan[]
  reason: PlannerReason | null
}

interface Ctx {
  input: QuoteInput
  tables: TableSpec[]
  edges: Set<string>
  avoid: Set<string>
  maxTables: number
  requireAdjacency: boolean
}

const edgeKey = (a: string, b: string): string => `${a}\u0000${b}`

const overlaps = (s: number, e: number, a: number, b: number): boolean => a < b && a < e && s < b

function isBusy(input: QuoteInput, id: string): boolean {
  return input.busy.some((b) => b.tableId === id && overlaps(input.window.start, input.window.end, b.start, b.end))
}

function isCandidate(ctx: Ctx, t: TableSpec, ignoreBusy: boolean): boolean {
  if (t.active === false) return false
  if (ctx.avoid.has(t.id)) return false
  const zoneId = ctx.input.zoneId ?? null
  if (zoneId !== null && t.zoneId !== zoneId) return false
  if (!ignoreBusy && isBusy(ctx.input, t.id)) return false
  return true
}

function isConnected(ctx: Ctx, set: TableSpec[]): boolean {
  const seen = new Set<string>([(set[0] as TableSpec).id])
  let grew = true
  while (grew) {
    grew = false
    for (const t of set) {
      if (seen.has(t.id)) continue
      for (const s of seen) {
        if (ctx.edges.has(edgeKey(s, t.id))) {
          seen.add(t.id)
          grew = true
          break
        }
      }
    }
  }
  return seen.size === set.length
}

/** The contract's validity rule, checked literally. */
function isValid(ctx: Ctx, set: TableSpec[], ignoreBusy: boolean, requireAdjacency: boolean): boolean {
  const p = ctx.input.partySize
  if (set.length < 1 || set.length > ctx.maxTables) return false
  if (!set.every((t) => isCandidate(ctx, t, ignoreBusy))) return false
  const zone = (set[0] as TableSpec).zoneId
  if (!set.every((t) => t.zoneId === zone)) return false
  const capacity = set.reduce((s, t) => s + t.capacity, 0)
  if (capacity < p) return false
  if (set.length === 1) {
    const t = set[0] as TableSpec
    return (t.minParty ?? 1) <= p && p <= (t.maxParty ?? t.capacity)
  }
  if (!set.every((t) => t.mergeable !== false)) return false
  return !requireAdjacency || isConnected(ctx, set)
}

function allValid(ctx: Ctx, ignoreBusy: boolean, requireAdjacency: boolean, stopAtFirst: boolean): TableSpec[][] {
  const out: TableSpec[][] = []
  const n = ctx.tables.length
  const pick: TableSpec[] = []
  const walk = (from: number): boolean => {
    if (pick.length > 0 && isValid(ctx, pick, ignoreBusy, requireAdjacency)) {
      out.push([...pick])
      if (stopAtFirst) return true
    }
    if (pick.length === ctx.maxTables) return false
    for (let i = from; i < n; i++) {
      pick.push(ctx.tables[i] as TableSpec)
      const stop = walk(i + 1)
      pick.pop()
      if (stop) return true
    }
    return false
  }
  walk(0)
  return out
}

type Key = Array<number | string>

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x === undefined) return -1
    if (y === undefined) return 1
    return x < y ? -1 : 1
  }
  return 0
}

function zoneShare(input: QuoteInput, zoneId: string): number {
  const given = input.zoneLoad?.[zoneId]
  if (given !== undefined) return given
  const active = input.tables.filter((t) => t.zoneId === zoneId && t.active !== false)
  const total = active.reduce((s, t) => s + t.capacity, 0)
  const busy = active.filter((t) => isBusy(input, t.id)).reduce((s, t) => s + t.capacity, 0)
  return total > 0 ? busy / total : 0
}

function scarcityCost(ctx: Ctx, t: TableSpec): number {
  const free = ctx.tables.filter(
    (u) => u.zoneId === t.zoneId && u.active !== false && !ctx.avoid.has(u.id) && !isBusy(ctx.input, u.id),
  )
  const degree = (u: TableSpec): number =>
    u.mergeable === false
      ? 0
      : free.filter((v) => v.id !== u.id && v.mergeable !== false && ctx.edges.has(edgeKey(u.id, v.id))).length
  const maxDegree = Math.max(0, ...free.map(degree))
  const smaller = free.filter((u) => u.capacity < t.capacity).length
  const sizeCost = Math.round((10 * smaller) / Math.max(1, free.length - 1))
  const mergeCost = maxDegree > 0 ? Math.round((10 * degree(t)) / maxDegree) : 0
  return sizeCost + mergeCost
}

/** [sort key, score] of a valid plan under the strategy (planner/strategies.ts definitions). */
function strategyKey(ctx: Ctx, set: TableSpec[]): [Key, number] {
  const input = ctx.input
  const ids = set.map((t) => t.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const count = set.length
  const capacity = set.reduce((s, t) => s + t.capacity, 0)
  const overage = capacity - input.partySize
  const zoneId = (set[0] as TableSpec).zoneId
  const B = input.tables.reduce((s, t) => s + t.capacity, 0) + 1
  switch (input.strategy ?? 'optimal_fit') {
    case 'adjacency_first': {
      const disconnected = count > 1 && !isConnected(ctx, set) ? 1 : 0
      const M = Math.min(ctx.maxTables, input.tables.length)
      return [[disconnected, count, overage, ...ids], disconnected * (M + 1) * B + count * B + overage]
    }
    case 'zone_preference': {
      const listed = input.preferredZoneIds ?? []
      const rank = listed.includes(zoneId) ? listed.indexOf(zoneId) : listed.length
      return [[rank, overage, count, ...ids], rank * B + overage]
    }
    case 'load_balancing': {
      const primary = 100 * overage + Math.round(400 * zoneShare(input, zoneId))
      return [[primary, overage, count, ...ids], primary / 100]
    }
    case 'scarcity': {
      const primary = 10 * overage + set.reduce((s, t) => s + scarcityCost(ctx, t), 0)
      return [[primary, overage, count, ...ids], primary / 10]
    }
    default:
      return [[overage, count, ...ids], overage + (count - 1) / count]
  }
}

export function referenceQuote(input: QuoteInput): ReferenceResult {
  const p = input.partySize
  const maxTables = input.maxTables ?? 3
  if (!Number.isInteger(p) || p < 1 || !(input.window.start < input.window.end) || !(maxTables >= 1)) {
    return { ok: false, plans: [], reason: 'INVALID_REQUEST' }
  }
  const edges = new Set<string>()
  for (const [a, b] of input.adjacency) {
    edges.add(edgeKey(a, b))
    edges.add(edgeKey(b, a))
  }
  const ctx: Ctx = {
    input,
    tables: input.tables,
    edges,
    avoid: new Set(input.avoidTableIds ?? []),
    maxTables,
    requireAdjacency: input.requireAdjacency ?? true,
  }
  const valid = allValid(ctx, false, ctx.requireAdjacency, false)
  if (valid.length > 0) {
    const keyed = valid.map((set) => ({ set, ks: strategyKey(ctx, set) }))
    keyed.sort((a, b) => compareKeys(a.ks[0], b.ks[0]))
    const plans = keyed.slice(0, input.limit ?? 5).map(({ set, ks }) => {
      const capacity = set.reduce((s, t) => s + t.capacity, 0)
      return {
        tableIds: set.map((t) => t.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        zoneId: (set[0] as TableSpec).zoneId,
        capacity,
        overage: capacity - p,
        score: ks[1],
      }
    })
    return { ok: true, plans, reason: null }
  }
  const zoneId = input.zoneId ?? null
  if (zoneId !== null && !input.tables.some((t) => t.zoneId === zoneId && t.active !== false)) {
    return { ok: false, plans: [], reason: 'NO_TABLES_IN_ZONE' }
  }
  if (allValid(ctx, true, false, true).length === 0) return { ok: false, plans: [], reason: 'PARTY_TOO_LARGE' }
  if (ctx.requireAdjacency && allValid(ctx, true, true, true).length === 0) {
    return { ok: false, plans: [], reason: 'ADJACENCY_UNSATISFIED' }
  }
  return { ok: false, plans: [], reason: 'NO_AVAILABILITY' }
}

/** Every rule of plan validity, for checking the planner's answers. */
export function isValidPlan(input: QuoteInput, tableIds: string[]): boolean {
  const byId = new Map(input.tables.map((t) => [t.id, t]))
  if (new Set(tableIds).size !== tableIds.length) return false
  const set = tableIds.map((id) => byId.get(id))
  if (set.some((t) => t === undefined)) return false
  const edges = new Set<string>()
  for (const [a, b] of input.adjacency) {
    edges.add(edgeKey(a, b))
    edges.add(edgeKey(b, a))
  }
  const ctx: Ctx = {
    input,
    tables: input.tables,
    edges,
    avoid: new Set(input.avoidTableIds ?? []),
    maxTables: input.maxTables ?? 3,
    requireAdjacency: input.requireAdjacency ?? true,
  }
  return isValid(ctx, set as TableSpec[], false, ctx.requireAdjacency)
}
