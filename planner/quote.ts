// quoteTables: validate, look up the per-floor precomputation, mark busy and avoided tables, run
// the exact k-best search under the requested strategy and, when nothing is valid, classify why.
// Never throws: anything malformed answers INVALID_REQUEST.
import { AVOIDED, BUSY, readAvailability, type Availability } from './availability'
import { pickClock, readClock } from './clock'
import { getFloor, type Floor } from './floor'
import { reasonForNoPlan } from './reasons'
import { readRequest, type PlannerRequest } from './request'
import { searchPlans } from './search'
import { buildScoring, type Scoring } from './strategies'
import { TopK } from './topk'
import type { Plan, PlannerReason, PlannerStats, Quote, QuoteInput } from './types'
import { acquireWorkspace, releaseWorkspace, type Workspace } from './workspace'
import { newSearchStats, OUT_OF_BUDGET } from './zone-context'

/** Everything a quote computed, for explainQuote. */
export interface QuoteRun {
  quote: Quote
  request: PlannerRequest | null
  floor: Floor | null
  availability: Availability | null
  zones: number[]
  /** the search passed its work budget; `quote` is then meaningless */
  outOfBudget?: boolean
}

export function quoteTables(input: QuoteInput): Quote {
  return runQuote(input).quote
}

/**
 * quoteTables with a work budget: the exact quote, or null when the search would consider more
 * than `maxBranches` branches. Nothing is cut short into a worse answer: a caller that gets null
 * runs quoteTables where the time does not matter (server/assignment/quote-pool.ts runs it on a
 * worker thread). Branches are counted, not milliseconds, so the outcome is deterministic.
 */
export function quoteTablesWithin(input: QuoteInput, maxBranches: number): Quote | null {
  const run = runQuote(input, false, maxBranches)
  return run.outOfBudget ? null : run.quote
}

/**
 * Run a quote. With `ownBuffers` the returned availability does not share the floor's reusable
 * workspace (explainQuote reads it after the quote).
 */
export function runQuote(input: QuoteInput, ownBuffers = false, budget = Number.POSITIVE_INFINITY): QuoteRun {
  let now: unknown
  try {
    now = (input as { now?: unknown } | null | undefined)?.now
  } catch {
    now = undefined
  }
  const clock = pickClock(now)
  const started = readClock(clock)
  let run: QuoteRun
  const held: { workspace: Workspace | null } = { workspace: null }
  try {
    run = execute(input, ownBuffers, held, budget)
  } catch (error) {
    run = invalid()
    if (error === OUT_OF_BUDGET) {
      run.outOfBudget = true
      // the search stopped mid-branch: its neighbour counters are not unwound
      held.workspace?.zone.blocked.fill(0)
    }
  } finally {
    if (held.workspace) releaseWorkspace(held.workspace)
  }
  const ended = readClock(clock)
  if (started !== undefined && ended !== undefined) run.quote.stats.durationMs = ended - started
  return run
}

function invalid(): QuoteRun {
  return {
    quote: { ok: false, reason: 'INVALID_REQUEST', stats: { ...newSearchStats() } },
    request: null,
    floor: null,
    availability: null,
    zones: [],
  }
}

function execute(input: unknown, ownBuffers: boolean, held: { workspace: Workspace | null }, budget: number): QuoteRun {
  const request = readRequest(input)
  if (!request) return invalid()
  const { floor, cacheHit } = getFloor(request.tables, request.adjacency, request.floorVersion)
  if (!floor) return invalid()
  const workspace = acquireWorkspace(floor, ownBuffers)
  held.workspace = workspace
  workspace.zone.budget = budget
  const availability: Availability = { flags: workspace.flags, busyUntil: workspace.busyUntil, excludedActive: 0 }
  const readable = readAvailability(
    floor,
    availability,
    request.busy,
    request.avoidTableIds,
    request.windowStart,
    request.windowEnd,
  )
  if (!readable) return invalid()

  let zones: number[]
  if (request.zoneId !== null) {
    const z = floor.zoneIndex.get(request.zoneId)
    zones = z === undefined ? [] : [z]
  } else {
    zones = floor.allZones
  }

  const excludeMask = BUSY | AVOIDED
  const scoring = buildScoring({
    floor,
    availability,
    strategy: request.strategy,
    maxTables: request.maxTables,
    excludeMask,
    preferredZoneIds: request.preferredZoneIds,
    zoneLoad: request.zoneLoad,
  })
  const topk = new TopK(request.limit)
  const searchStats = newSearchStats()
  searchPlans({
    floor,
    workspace,
    flags: availability.flags,
    excludeMask,
    zones,
    partySize: request.partySize,
    maxTables: request.maxTables,
    requireAdjacency: request.requireAdjacency,
    scoring,
    topk,
    stats: searchStats,
  })
  const stats: PlannerStats = {
    ...searchStats,
    freeTables:
      request.zoneId === null
        ? floor.activeCount - availability.excludedActive
        : countFree(floor, availability.flags, zones, excludeMask),
    floorCacheHit: cacheHit,
    strategy: request.strategy,
  }

  let quote: Quote
  if (topk.items.length > 0) {
    quote = { ok: true, plans: toPlans(floor, topk, scoring, request.partySize), stats }
  } else {
    const reason: PlannerReason = reasonForNoPlan({
      floor,
      workspace,
      availability,
      zones,
      zoneRequested: request.zoneId !== null,
      partySize: request.partySize,
      maxTables: request.maxTables,
      requireAdjacency: request.requireAdjacency,
    })
    quote = { ok: false, reason, stats }
  }
  return { quote, request, floor, availability, zones }
}

function toPlans(floor: Floor, topk: TopK, scoring: Scoring, partySize: number): Plan[] {
  return topk.items.map((c) => ({
    tableIds: c.ranks.map((r) => floor.ids[floor.byRank[r] as number] as string),
    zoneId: floor.zoneIds[c.zone] as string,
    capacity: c.capacity,
    overage: c.capacity - partySize,
    score: scoring.score(c.primary, c.overage, c.count),
  }))
}

function countFree(floor: Floor, flags: Uint8Array, zones: number[], excludeMask: number): number {
  let free = 0
  for (const z of zones) {
    const list = floor.zoneTables[z] as Int32Array
    for (let i = 0; i < list.length; i++) if (((flags[list[i] as number] as number) & excludeMask) === 0) free++
  }
  return free
}
