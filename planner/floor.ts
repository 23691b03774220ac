// Per-floor precomputation (tables + adjacency): validated table data in flat arrays, id maps,
// id ranks in JavaScript string order, per-zone capacity-sorted table lists and a deduplicated
// same-zone adjacency list. Pure data, cached by the identity of the `tables` array together with
// the identity of the `adjacency` array and the optional `floorVersion` string; any change of the
// three builds a new floor (the old entry is dropped).
//
// Table rules (anything else makes the request INVALID_REQUEST):
// - id and zoneId are strings; ids are unique (a duplicate id is ambiguous: which table would a
//   busy window or an edge mean?);
// - capacity is an integer 0..1,000,000; minParty / maxParty, when given, are finite numbers;
//   mergeable / active, when given, are booleans (null counts as absent);
// - adjacency entries are pairs of strings; edges to unknown tables, self loops, duplicate and
//   reversed edges are ignored (edges are undirected).
import type { TableSpec } from './types'

export const MAX_CAPACITY = 1_000_000

export interface Floor {
  n: number
  ids: string[]
  zone: Int32Array
  cap: Float64Array
  minParty: Float64Array
  /** the given maxParty, or the capacity */
  maxParty: Float64Array
  mergeable: Uint8Array
  active: Uint8Array
  /** rank of the id in ascending JavaScript string order */
  idRank: Int32Array
  idIndex: Map<string, number>
  zoneIds: string[]
  zoneIndex: Map<string, number>
  /** active tables per zone, capacity descending then id ascending */
  zoneTables: Int32Array[]
  zoneActiveCapacity: Float64Array
  /**
   * same-zone edges between active mergeable tables, CSR layout, deduplicated; each table's
   * neighbours in zone-list order (so a zone's local adjacency lists come out sorted)
   */
  nbrStart: Int32Array
  nbrList: Int32Array
  /**
   * Twin class of each active mergeable table: tables of one class have the same zone and
   * capacity and the same neighbours (open neighbourhoods equal, or closed ones equal: the class
   * of a clique is the whole clique), so swapping one for another never changes a merge's
   * validity or key, only its ids. -1 for tables that take part in no merge.
   */
  twinClass: Int32Array
  twinClassCount: number
  /** [0, 1, ..., zoneIds.length - 1] */
  allZones: number[]
  activeCount: number
  /** most active tables in one zone */
  maxZoneSize: number
  /** table index by id rank */
  byRank: Int32Array
  totalCapacity: number
}

interface CacheEntry {
  adjacency: unknown[]
  floorVersion: string | undefined
  floor: Floor | null
}

const cache = new WeakMap<object, CacheEntry>()

export function getFloor(
  tables: unknown[],
  adjacency: unknown[],
  floorVersion: string | undefined,
): { floor: Floor | null; cacheHit: boolean } {
  const hit = cache.get(tables)
  if (hit && hit.adjacency === adjacency && hit.floorVersion === floorVersion) {
    return { floor: hit.floor, cacheHit: true }
  }
  const floor = buildFloor(tables, adjacency)
  cache.set(tables, { adjacency, floorVersion, floor })
  return { floor, cacheHit: false }
}

const optionalNumber = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v))
const optionalBoolean = (v: unknown): boolean => v === undefined || v === null || typeof v === 'boolean'

export function buildFloor(tables: unknown[], adjacency: unknown[]): Floor | null {
  const n = tables.length
  const ids: string[] = new Array<string>(n)
  const zone = new Int32Array(n)
  const cap = new Float64Array(n)
  const minParty = new Float64Array(n)
  const maxParty = new Float64Array(n)
  const mergeable = new Uint8Array(n)
  const active = new Uint8Array(n)
  const idIndex = new Map<string, number>()
  const zoneIds: string[] = []
  const zoneIndex = new Map<string, number>()
  let totalCapacity = 0

  for (let i = 0; i < n; i++) {
    const t = tables[i] as Partial<TableSpec> | null | undefined
    if (typeof t !== 'object' || t === null) return null
    const { id, zoneId, capacity } = t
    if (typeof id !== 'string' || typeof zoneId !== 'string') return null
    if (typeof capacity !== 'number' || !Number.isInteger(capacity)) return null
    if (capacity < 0 || capacity > MAX_CAPACITY) return null
    if (!optionalNumber(t.minParty) || !optionalNumber(t.maxParty)) return null
    if (!optionalBoolean(t.mergeable) || !optionalBoolean(t.active)) return null
    if (idIndex.has(id)) return null
    idIndex.set(id, i)
    ids[i] = id
    let z = zoneIndex.get(zoneId)
    if (z === undefined) {
      z = zoneIds.length
      zoneIndex.set(zoneId, z)
      zoneIds.push(zoneId)
    }
    zone[i] = z
    cap[i] = capacity
    minParty[i] = t.minParty ?? 1
    maxParty[i] = t.maxParty ?? capacity
    mergeable[i] = t.mergeable === false ? 0 : 1
    active[i] = t.active === false ? 0 : 1
    totalCapacity += capacity
  }

  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => {
    const x = ids[a] as string
    const y = ids[b] as string
    return x < y ? -1 : x > y ? 1 : 0
  })
  const idRank = new Int32Array(n)
  order.forEach((t, r) => (idRank[t] = r))
  const byRank = Int32Array.from(order)

  const zoneLists: number[][] = zoneIds.map(() => [])
  const zoneActiveCapacity = new Float64Array(zoneIds.length)
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue
    const z = zone[i] as number
    ;(zoneLists[z] as number[]).push(i)
    zoneActiveCapacity[z] = (zoneActiveCapacity[z] as number) + (cap[i] as number)
  }
  const zoneTables = zoneLists.map((list) => {
    list.sort((a, b) => (cap[b] as number) - (cap[a] as number) || (idRank[a] as number) - (idRank[b] as number))
    return Int32Array.from(list)
  })

  const adjacencySets: Array<Set<number>> = Array.from({ length: n }, () => new Set<number>())
  for (const edge of adjacency) {
    if (!Array.isArray(edge) || edge.length !== 2) return null
    const [a, b] = edge as unknown[]
    if (typeof a !== 'string' || typeof b !== 'string') return null
    const i = idIndex.get(a)
    const j = idIndex.get(b)
    if (i === undefined || j === undefined || i === j) continue
    if (zone[i] !== zone[j] || !active[i] || !active[j] || !mergeable[i] || !mergeable[j]) continue
    ;(adjacencySets[i] as Set<number>).add(j)
    ;(adjacencySets[j] as Set<number>).add(i)
  }
  const nbrStart = new Int32Array(n + 1)
  let edges = 0
  for (let i = 0; i < n; i++) {
    nbrStart[i] = edges
    edges += (adjacencySets[i] as Set<number>).size
  }
  nbrStart[n] = edges
  const nbrList = new Int32Array(edges)
  const zonePosition = new Int32Array(n)
  for (const list of zoneTables) list.forEach((t, i) => (zonePosition[t] = i))
  for (let i = 0; i < n; i++) {
    const sorted = [...(adjacencySets[i] as Set<number>)].sort(
      (a, b) => (zonePosition[a] as number) - (zonePosition[b] as number),
    )
    nbrList.set(sorted, nbrStart[i] as number)
  }
  const twins = twinClasses(n, zone, cap, active, mergeable, nbrStart, nbrList, zonePosition)

  return {
    n,
    ids,
    zone,
    cap,
    minParty,
    maxParty,
    mergeable,
    active,
    idRank,
    idIndex,
    zoneIds,
    zoneIndex,
    zoneTables,
    zoneActiveCapacity,
    nbrStart,
    nbrList,
    twinClass: twins.twinClass,
    twinClassCount: twins.count,
    allZones: zoneIds.map((_, z) => z),
    activeCount: active.reduce((s, a) => s + a, 0),
    maxZoneSize: zoneTables.reduce((max, list) => Math.max(max, list.length), 0),
    byRank,
    totalCapacity,
  }
}

/**
 * Group the tables that take part in merges into twin classes: first by closed neighbourhood
 * (N[t] = N[u]: adjacent twins, e.g. a clique), then the tables left alone by open neighbourhood
 * (N(t) = N(u): e.g. the leaves of a star). Zone and capacity are part of the key.
 */
function twinClasses(
  n: number,
  zone: Int32Array,
  cap: Float64Array,
  active: Uint8Array,
  mergeable: Uint8Array,
  nbrStart: Int32Array,
  nbrList: Int32Array,
  zonePosition: Int32Array,
): { twinClass: Int32Array; count: number } {
  const twinClass = new Int32Array(n).fill(-1)
  // neighbour lists are in zone-list order already: a canonical order within a zone, so the
  // list itself is the key (the closed one with t put in its place)
  const members = (t: number, closed: boolean): string => {
    const from = nbrStart[t] as number
    const to = nbrStart[t + 1] as number
    if (!closed) return nbrList.subarray(from, to).join(',')
    const own = zonePosition[t] as number
    let at = from
    while (at < to && (zonePosition[nbrList[at] as number] as number) < own) at++
    const before = nbrList.subarray(from, at).join(',')
    const after = nbrList.subarray(at, to).join(',')
    return `${before}${before ? ',' : ''}${t}${after ? ',' : ''}${after}`
  }
  const closedGroups = new Map<string, number[]>()
  for (let t = 0; t < n; t++) {
    if (!active[t] || !mergeable[t]) continue
    const key = `${zone[t] as number}|${cap[t] as number}|${members(t, true)}`
    const group = closedGroups.get(key)
    if (group) group.push(t)
    else closedGroups.set(key, [t])
  }
  let count = 0
  const openGroups = new Map<string, number[]>()
  for (const group of closedGroups.values()) {
    if (group.length > 1) {
      for (const t of group) twinClass[t] = count
      count++
      continue
    }
    const t = group[0] as number
    const key = `${zone[t] as number}|${cap[t] as number}|${members(t, false)}`
    const open = openGroups.get(key)
    if (open) open.push(t)
    else openGroups.set(key, [t])
  }
  for (const group of openGroups.values()) {
    for (const t of group) twinClass[t] = count
    count++
  }
  return { twinClass, count }
}
