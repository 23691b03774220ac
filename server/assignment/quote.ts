import type { Quote } from '../../planner/index.ts'
import type { AssignmentDeps } from './assignment-deps.ts'
import type { FloorSnapshot } from './floor-snapshot.ts'
import { busyInKeys, idsInKeys, keyedFloor, quoteInIds } from './key-ordered-floor.ts'
import { loadAvailability, type Availability } from '../db/queries/availability.ts'
import { reasonCategory } from './reason-codes.ts'
import type { Pipeline, Trigger } from './vocabulary.ts'
import { sharedQuotePool } from './quote-pool.ts'

export interface StrategyKnobs {
  requireAdjacency: boolean
  maxTables: number
}

export const DEFAULT_KNOBS: StrategyKnobs = { requireAdjacency: true, maxTables: 3 }

export interface QuoteRequest {
  restaurantId: string
  bookingId: string | null
  partySize: number
  window: { start: Date; end: Date }
  zoneId: string | null
  knobs: StrategyKnobs
  trigger: Trigger
  /** which pipeline asks, and whether for shadow work (dashboards exclude shadow quotes) */
  pipeline?: Pipeline
  shadow?: boolean
  attemptIndex: number
  avoidTableIds?: string[]
  strategy?: string
  limit?: number
  /** read a moment ago by the caller; absent, it is read here */
  availability?: Availability
  /** aborting stops the planner, even mid-search on a worker thread (quote-pool.ts) */
  signal?: AbortSignal
}

export interface EngineQuote {
  quote: Quote
  floor: FloorSnapshot
  cacheHit: boolean
  plannerDurationMs: number
}

/**
 * Every planner call of the engine goes through here, so each one is cached by availability
 * version and recorded as an `auto_assign.quote` event, whoever the caller is.
 */
export async function quoteForBooking(deps: AssignmentDeps, request: QuoteRequest): Promise<EngineQuote> {
  const flagContext = { restaurantId: request.restaurantId, bookingId: request.bookingId }
  // read with the busy windows even when the plan cache will answer: a second round trip on a miss
  // costs more than the wasted read on a hit
  const versions =
    request.availability ?? (await loadAvailability(deps.db, request.restaurantId, request.window, deps.now()))
  if (!versions) throw new Error(`restaurant ${request.restaurantId} vanished`)
  // tables peak pacing keeps from this party (steps/snapshot.ts) are avoided like the caller's
  const avoidTableIds = [...new Set([...(request.avoidTableIds ?? []), ...(versions.heldTableIds ?? [])])]
  const floor = await deps.floors.get(deps.db, request.restaurantId, versions.floorVersion)
  const strategy = request.strategy ?? 'optimal_fit'
  const cacheEnabled = await deps.flags.boolean('planner.cache', flagContext)
  const cacheKey = {
    restaurantId: request.restaurantId,
    availabilityVersion: versions.availabilityVersion,
    floorVersion: versions.floorVersion,
    windowStart: request.window.start.getTime(),
    windowEnd: request.window.end.getTime(),
    partySize: request.partySize,
    zoneId: request.zoneId,
    maxTables: request.knobs.maxTables,
    requireAdjacency: request.knobs.requireAdjacency,
    strategy,
    avoidTableIds,
  }

  const started = performance.now()
  let quote = cacheEnabled ? deps.planCache.get(cacheKey) : undefined
  const cacheHit = quote !== undefined
  if (cacheEnabled) deps.metrics.planCacheLookups.inc({ result: cacheHit ? 'hit' : 'miss' })
  if (!quote) {
    // asked in table keys, so ties between equal plans break the same way on every run
    const keyed = keyedFloor(floor)
    const plannerStarted = performance.now()
    // inline when the search is cheap, else on a worker thread: no floor holds the event loop
    const answer = await sharedQuotePool().quote({
      tables: keyed.tables,
      adjacency: keyed.adjacency,
      floorVersion: `${request.restaurantId}:${versions.floorVersion}:keys`,
      busy: busyInKeys(keyed, versions.busy),
      partySize: request.partySize,
      window: { start: request.window.start.getTime(), end: request.window.end.getTime() },
      zoneId: request.zoneId,
      maxTables: request.knobs.maxTables,
      requireAdjacency: request.knobs.requireAdjacency,
      avoidTableIds: idsInKeys(keyed, avoidTableIds),
      strategy,
      limit: request.limit ?? 5,
      signal: request.signal,
    })
    quote = quoteInIds(keyed, answer)
    quote.stats.durationMs ??= performance.now() - plannerStarted
    if (cacheEnabled) deps.planCache.set(cacheKey, quote)
  }
  const plannerDurationMs = cacheHit ? performance.now() - started : (quote.stats.durationMs ?? 0)

  const reason = quote.ok ? null : quote.reason
  deps.metrics.plannerDuration.observe(
    { trigger: request.trigger, cache_hit: String(cacheHit) },
    plannerDurationMs / 1000,
  )
  deps.events.record({
    type: 'auto_assign.quote',
    source: 'planner',
    restaurantId: request.restaurantId,
    bookingId: request.bookingId,
    context: {
      planner_duration_ms: plannerDurationMs,
      success: quote.ok,
      reason,
      reason_category: reasonCategory(reason),
      require_adjacency: request.knobs.requireAdjacency,
      max_tables: request.knobs.maxTables,
      trigger: request.trigger,
      pipeline: request.pipeline ?? 'legacy',
      shadow: request.shadow ?? false,
      attempt_index: request.attemptIndex,
      cache_hit: cacheHit,
      strategy,
      plans: quote.ok ? quote.plans.length : 0,
      ...(versions.heldTableIds?.length ? { pacing_held_tables: versions.heldTableIds.length } : {}),
      ...((await deps.flags.boolean('planner.profiling', flagContext)) ? { stats: quote.stats } : {}),
    },
  })
  return { quote, floor, cacheHit, plannerDurationMs }
}
