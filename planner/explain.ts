// explainQuote: the quote plus, for every table, why it is (not) in the chosen plan — for the
// manual-review screen. Reasons, in this order:
//   INACTIVE, AVOIDED, WRONG_ZONE (a zone was requested), BUSY (until the end of the continuous
//   busy stretch that overlaps the window, as epoch ms and 'HH:MM' in `timeZone`, default UTC).
// A table with any of those is unavailable and gets only those. An available table gets
//   NOT_CHOSEN when some valid plan could use it (inPlans: indices of the returned plans that
//   contain it), otherwise why it cannot seat the party alone (BELOW_MIN_PARTY / ABOVE_MAX_PARTY)
//   and why it cannot be part of a merge (MERGES_DISABLED when maxTables is 1, NOT_MERGEABLE,
//   NOT_ADJACENT when a merge would reach the party only without adjacency, MERGE_TOO_SMALL).
import { AVOIDED, BUSY } from './availability'
import type { Floor } from './floor'
import { runQuote } from './quote'
import type { Plan, PlannerReason, Quote, QuoteInput } from './types'

export interface ExplainInput extends QuoteInput {
  /** IANA time zone for the 'HH:MM' labels; default 'UTC'. An unknown zone is INVALID_REQUEST. */
  timeZone?: string
}

export type ExclusionReason =
  | { code: 'INACTIVE'; message: string }
  | { code: 'AVOIDED'; message: string }
  | { code: 'WRONG_ZONE'; zoneId: string; requestedZoneId: string; message: string }
  | { code: 'BUSY'; until: number; untilLabel: string; message: string }
  | { code: 'BELOW_MIN_PARTY'; minParty: number; message: string }
  | { code: 'ABOVE_MAX_PARTY'; maxParty: number; message: string }
  | { code: 'MERGES_DISABLED'; message: string }
  | { code: 'NOT_MERGEABLE'; message: string }
  | { code: 'NOT_ADJACENT'; message: string }
  | { code: 'MERGE_TOO_SMALL'; message: string }
  | { code: 'NOT_CHOSEN'; inPlans: number[]; message: string }

export interface TableExplanation {
  tableId: string
  zoneId: string
  capacity: number
  inChosenPlan: boolean
  /** empty for the tables of the chosen plan */
  reasons: ExclusionReason[]
}

export interface Explanation {
  ok: boolean
  plan: Plan | null
  reason: PlannerReason | null
  quote: Quote
  timeZone: string
  /** every table of the floor, in input order (empty for INVALID_REQUEST) */
  tables: TableExplanation[]
}

export function explainQuote(input: ExplainInput): Explanation {
  let timeZone = 'UTC'
  let format: ((ms: number) => string) | null = null
  try {
    const tz = (input as { timeZone?: unknown } | null | undefined)?.timeZone
    if (tz !== undefined && tz !== null) {
      if (typeof tz !== 'string') throw new TypeError('timeZone')
      timeZone = tz
    }
    format = clockLabel(timeZone)
  } catch {
    format = null
  }
  const run = runQuote(input, true)
  const quote = run.quote
  const { request, floor, availability } = run
  if (!format || !request || !floor || !availability) {
    const stats = quote.stats
    const invalid: Quote = { ok: false, reason: 'INVALID_REQUEST', stats }
    return { ok: false, plan: null, reason: 'INVALID_REQUEST', quote: invalid, timeZone, tables: [] }
  }
  try {
    const plans = quote.ok ? quote.plans : []
    const chosen = new Set(plans[0]?.tableIds ?? [])
    const p = request.partySize
    const m = request.maxTables
    const tables: TableExplanation[] = []
    for (let t = 0; t < floor.n; t++) {
      const id = floor.ids[t] as string
      const zoneId = floor.zoneIds[floor.zone[t] as number] as string
      const entry: TableExplanation = {
        tableId: id,
        zoneId,
        capacity: floor.cap[t] as number,
        inChosenPlan: chosen.has(id),
        reasons: [],
      }
      tables.push(entry)
      if (entry.inChosenPlan) continue
      const r = entry.reasons
      const flags = availability.flags[t] as number
      if (!floor.active[t]) r.push({ code: 'INACTIVE', message: 'table is inactive' })
      if (flags & AVOIDED) r.push({ code: 'AVOIDED', message: 'table is on the avoid list' })
      if (request.zoneId !== null && zoneId !== request.zoneId) {
        r.push({
          code: 'WRONG_ZONE',
          zoneId,
          requestedZoneId: request.zoneId,
          message: `in zone ${zoneId}, not ${request.zoneId}`,
        })
      }
      if (flags & BUSY) {
        const until = busyStretchEnd(request.busy, id, availability.busyUntil[t] as number)
        const label = format(until)
        r.push({ code: 'BUSY', until, untilLabel: label, message: `busy until ${label}` })
      }
      if (r.length > 0) continue

      const inPlans = plans.flatMap((plan, i) => (plan.tableIds.includes(id) ? [i] : []))
      const cap = floor.cap[t] as number
      const minParty = floor.minParty[t] as number
      const maxParty = Math.min(floor.maxParty[t] as number, cap)
      const canSingle = minParty <= p && p <= maxParty
      const mergeAny = m >= 2 && !!floor.mergeable[t] && mergeReachesAny(floor, availability.flags, t, m, p)
      const mergeAdjacent = mergeAny && connectedMergeReaches(floor, availability.flags, t, Math.min(m, floor.n), p)
      const canMerge = request.requireAdjacency ? mergeAdjacent : mergeAny
      if (inPlans.length > 0 || canSingle || canMerge) {
        r.push({
          code: 'NOT_CHOSEN',
          inPlans,
          message:
            inPlans.length > 0
              ? `in alternative plan(s) ${inPlans.map((i) => i + 1).join(', ')}`
              : 'a better plan was chosen',
        })
        continue
      }
      if (p < minParty) {
        r.push({ code: 'BELOW_MIN_PARTY', minParty, message: `party of ${p} is below minParty ${minParty}` })
      }
      if (p > maxParty) {
        r.push({ code: 'ABOVE_MAX_PARTY', maxParty, message: `party of ${p} is above maxParty ${maxParty}` })
      }
      if (m < 2) r.push({ code: 'MERGES_DISABLED', message: 'maxTables is 1: no merges' })
      else if (!floor.mergeable[t]) r.push({ code: 'NOT_MERGEABLE', message: 'table cannot be merged' })
      else if (request.requireAdjacency && mergeAny) {
        r.push({ code: 'NOT_ADJACENT', message: 'no adjacent free tables complete a merge for this party' })
      } else {
        r.push({ code: 'MERGE_TOO_SMALL', message: 'even merged with free tables of its zone it seats fewer' })
      }
    }
    return {
      ok: quote.ok,
      plan: plans[0] ?? null,
      reason: quote.ok ? null : quote.reason,
      quote,
      timeZone,
      tables,
    }
  } catch {
    const invalid: Quote = { ok: false, reason: 'INVALID_REQUEST', stats: quote.stats }
    return { ok: false, plan: null, reason: 'INVALID_REQUEST', quote: invalid, timeZone, tables: [] }
  }
}

function clockLabel(timeZone: string): (ms: number) => string {
  if (timeZone === 'UTC') {
    return (ms) => {
      const minutes = Math.floor((((ms % DAY) + DAY) % DAY) / 60_000)
      return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
    }
  }
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  return (ms) => {
    const parts = f.formatToParts(ms)
    const hour = parts.find((x) => x.type === 'hour')?.value ?? '00'
    const minute = parts.find((x) => x.type === 'minute')?.value ?? '00'
    return `${hour}:${minute}`
  }
}

const DAY = 86_400_000
const pad = (n: number): string => String(n).padStart(2, '0')

/** Extend `until` through busy windows of the table that start at or before it (back-to-back). */
function busyStretchEnd(busy: unknown[], tableId: string, until: number): number {
  const mine = (busy as Array<{ tableId: string; start: number; end: number }>)
    .filter((b) => b.tableId === tableId && b.start < b.end)
    .sort((a, b) => a.start - b.start)
  for (const b of mine) if (b.start <= until && b.end > until) until = b.end
  return until
}

function usableMergeable(floor: Floor, flags: Uint8Array, t: number): number[] {
  const list = floor.zoneTables[floor.zone[t] as number] as Int32Array
  return Array.from(list).filter(
    (u) => u !== t && floor.mergeable[u] && ((flags[u] as number) & (BUSY | AVOIDED)) === 0,
  )
}

/** Without adjacency: t plus the m - 1 largest other free mergeable tables of its zone. */
function mergeReachesAny(floor: Floor, flags: Uint8Array, t: number, m: number, p: number): boolean {
  const others = usableMergeable(floor, flags, t) // capacity descending
  if (others.length === 0) return false
  let c = floor.cap[t] as number
  for (const u of others.slice(0, m - 1)) c += floor.cap[u] as number
  return c >= p
}

/** Some connected set of free mergeable tables with t, 2..m tables, reaches the party. */
function connectedMergeReaches(floor: Floor, flags: Uint8Array, t: number, m: number, p: number): boolean {
  const usable = new Set(usableMergeable(floor, flags, t))
  const neighbours = (v: number): number[] => {
    const out: number[] = []
    for (let e = floor.nbrStart[v] as number; e < (floor.nbrStart[v + 1] as number); e++) {
      const u = floor.nbrList[e] as number
      if (usable.has(u)) out.push(u)
    }
    return out
  }
  // Every connected set containing t, once each (extension sets with exclusive neighbours).
  const inSet = new Set<number>([t])
  const near = new Set<number>([t, ...neighbours(t)])
  const grow = (c: number, size: number, ext: number[]): boolean => {
    for (let i = 0; i < ext.length; i++) {
      const w = ext[i] as number
      const c2 = c + (floor.cap[w] as number)
      if (c2 >= p) return true
      if (size + 1 >= m) continue
      const fresh = neighbours(w).filter((u) => !near.has(u))
      const added = fresh.filter((u) => !inSet.has(u))
      inSet.add(w)
      for (const u of added) near.add(u)
      const found = grow(c2, size + 1, [...ext.slice(i + 1), ...added])
      inSet.delete(w)
      for (const u of added) near.delete(u)
      if (found) return true
    }
    return false
  }
  return grow(floor.cap[t] as number, 1, neighbours(t))
}
