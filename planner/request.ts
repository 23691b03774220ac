// Validation of the request-level fields of a QuoteInput (tables and busy windows are checked
// where they are read: planner/floor.ts and planner/availability.ts). Returns null for bad input;
// never throws. `null` in an optional field counts as absent (inputs often come from JSON).
import { STRATEGIES, type StrategyName, type TableSpec } from './types'

export interface PlannerRequest {
  tables: TableSpec[]
  adjacency: unknown[]
  busy: unknown[]
  partySize: number
  windowStart: number
  windowEnd: number
  zoneId: string | null
  maxTables: number
  requireAdjacency: boolean
  avoidTableIds: string[]
  limit: number
  strategy: StrategyName
  floorVersion: string | undefined
  preferredZoneIds: string[]
  zoneLoad: Record<string, number> | null
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const absent = (v: unknown): boolean => v === undefined || v === null
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

export function readRequest(input: unknown): PlannerRequest | null {
  if (!isObject(input)) return null
  const { tables, adjacency, busy, partySize, window } = input
  if (!Array.isArray(tables) || !Array.isArray(adjacency) || !Array.isArray(busy)) return null
  if (typeof partySize !== 'number' || !Number.isInteger(partySize) || partySize < 1) return null
  if (!isObject(window)) return null
  const { start, end } = window
  if (typeof start !== 'number' || typeof end !== 'number') return null
  if (!Number.isFinite(start) || !Number.isFinite(end) || !(start < end)) return null

  const zoneId = absent(input.zoneId) ? null : input.zoneId
  if (zoneId !== null && typeof zoneId !== 'string') return null

  const maxTables = absent(input.maxTables) ? 3 : input.maxTables
  if (typeof maxTables !== 'number' || !Number.isInteger(maxTables) || maxTables < 1) return null

  const requireAdjacency = absent(input.requireAdjacency) ? true : input.requireAdjacency
  if (typeof requireAdjacency !== 'boolean') return null

  const avoidTableIds = absent(input.avoidTableIds) ? [] : input.avoidTableIds
  if (!isStringArray(avoidTableIds)) return null

  const limit = absent(input.limit) ? 5 : input.limit
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) return null

  const strategy = absent(input.strategy) ? 'optimal_fit' : input.strategy
  if (typeof strategy !== 'string' || !(STRATEGIES as readonly string[]).includes(strategy)) {
    return null
  }

  const floorVersion = absent(input.floorVersion) ? undefined : input.floorVersion
  if (floorVersion !== undefined && typeof floorVersion !== 'string') return null

  const preferredZoneIds = absent(input.preferredZoneIds) ? [] : input.preferredZoneIds
  if (!isStringArray(preferredZoneIds)) return null

  const zoneLoad = absent(input.zoneLoad) ? null : input.zoneLoad
  if (zoneLoad !== null) {
    if (!isObject(zoneLoad) || Array.isArray(zoneLoad)) return null
    for (const v of Object.values(zoneLoad)) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) return null
    }
  }

  return {
    tables: tables as TableSpec[],
    adjacency,
    busy,
    partySize,
    windowStart: start,
    windowEnd: end,
    zoneId,
    maxTables,
    requireAdjacency,
    avoidTableIds,
    limit,
    strategy: strategy as StrategyName,
    floorVersion,
    preferredZoneIds,
    zoneLoad: zoneLoad as Record<string, number> | null,
  }
}
