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

  // the default sort compares strings by UTF-16 code units, as `<` does
  const sortedIds = ids.slice().sort()
  const idRank = new Int32Array(n)
  const byRank = new Int32Array(n)
  for (let r = 0; r < n; r++) {
    const t = idIndex.get(sortedIds[r] as string) as number
    idRank[t] = r
    byRank[r] = t
  }

  // zone lists sort on one number per table, capacity descending then id rank ascending: a
  // numeric typed-array sort instead of a comparator called n log n times
  const zoneSizes = new Int32Array(zoneIds.length)
  const zoneActiveCapacity = new Float64Array(zoneIds.length)
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue
    const z = zone[i] as number
    zoneSizes[z] = (zoneSizes[z] as number) + 1
    zoneActiveCapacity[z] = (zoneActiveCapacity[z] as number) + (cap[i] as number)
  }
  const zoneKeys = Array.from(zoneSizes, (size) => new Float64Array(size))
  zoneSizes.fill(0)
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue
    const z = zone[i] as number
    const at = zoneSizes[z] as number
    ;(zoneKeys[z] as Float64Array)[at] = (MAX_CAPACITY - (cap[i] as number)) * n + (idRank[i] as number)
    zoneSizes[z] = at + 1
  }
  const zoneTables = zoneKeys.map((keys) => {
    keys.sort()
    const list = new Int32Array(keys.length)
    for (let k = 0; k < keys.length; k++) list[k] = byRank[(keys[k] as number) % n] as number
    return list
  })

  const adjacencyList = readAdjacency(adjacency, idIndex, zone, active, mergeable)
  if (!adjacencyList) return null
  const { nbrStart, nbrList } = neighbourLists(n, adjacencyList, zoneTables)
  const twins = twinClasses(n, zone, cap, active, mergeable, nbrStart, nbrList)

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
 * The usable edges as pairs of table indices (both ends active, mergeable, in one zone; unknown
 * ids and self loops dropped), or null for a malformed entry. Flat typed arrays rather than a Set
 * per table: a floor of 200 tables in one clique has 19,900 entries, and the garbage of per-table
 * sets was what made the first quote on such a floor slow (issue 9).
 */
function readAdjacency(
  adjacency: unknown[],
  idIndex: Map<string, number>,
  zone: Int32Array,
  active: Uint8Array,
  mergeable: Uint8Array,
): { from: Int32Array; to: Int32Array; count: number } | null {
  const from = new Int32Array(adjacency.length)
  const to = new Int32Array(adjacency.length)
  let count = 0
  let lastId: string | null = null
  let lastIndex: number | undefined
  for (const edge of adjacency) {
    if (!Array.isArray(edge) || edge.length !== 2) return null
    const a: unknown = edge[0]
    const b: unknown = edge[1]
    if (typeof a !== 'string' || typeof b !== 'string') return null
    // edge lists usually come grouped by their first table: one lookup per run of them
    if (a !== lastId) {
      lastId = a
      lastIndex = idIndex.get(a)
    }
    const i = lastIndex
    const j = idIndex.get(b)
    if (i === undefined || j === undefined || i === j) continue
    if (zone[i] !== zone[j] || !active[i] || !active[j] || !mergeable[i] || !mergeable[j]) continue
    from[count] = i
    to[count] = j
    count++
  }
  return { from, to, count }
}

/**
 * CSR neighbour lists, deduplicated (duplicate and reversed entries are one edge), each in
 * zone-list order. No sort: the raw lists are read table by table in zone-list order and each
 * table is appended to its neighbours' lists, so every list fills in order and a duplicate entry
 * lands right after its first copy. Linear in the edges (a 200-clique has 39,800 entries).
 */
function neighbourLists(
  n: number,
  edges: { from: Int32Array; to: Int32Array; count: number },
  zoneTables: Int32Array[],
): { nbrStart: Int32Array; nbrList: Int32Array } {
  const { from, to, count } = edges
  const rawStart = new Int32Array(n + 1)
  for (let e = 0; e < count; e++) {
    const i = (from[e] as number) + 1
    const j = (to[e] as number) + 1
    rawStart[i] = (rawStart[i] as number) + 1
    rawStart[j] = (rawStart[j] as number) + 1
  }
  for (let i = 0; i < n; i++) rawStart[i + 1] = (rawStart[i + 1] as number) + (rawStart[i] as number)
  const fill = rawStart.slice(0, n)
  const raw = new Int32Array(2 * count)
  for (let e = 0; e < count; e++) {
    const i = from[e] as number
    const j = to[e] as number
    const atI = fill[i] as number
    const atJ = fill[j] as number
    raw[atI] = j
    raw[atJ] = i
    fill[i] = atI + 1
    fill[j] = atJ + 1
  }
  // ordered lists, each in its raw slot (never longer than it); fill[v] is the next free entry
  const ordered = new Int32Array(2 * count)
  fill.set(rawStart.subarray(0, n))
  for (const list of zoneTables) {
    for (let k = 0; k < list.length; k++) {
      const u = list[k] as number
      for (let e = rawStart[u] as number; e < (rawStart[u + 1] as number); e++) {
        const v = raw[e] as number
        const at = fill[v] as number
        if (at > (rawStart[v] as number) && ordered[at - 1] === u) continue
        ordered[at] = u
        fill[v] = at + 1
      }
    }
  }
  const nbrStart = new Int32Array(n + 1)
  let kept = 0
  for (let v = 0; v < n; v++) {
    nbrStart[v] = kept
    const start = rawStart[v] as number
    const length = (fill[v] as number) - start
    ordered.copyWithin(kept, start, start + length)
    kept += length
  }
  nbrStart[n] = kept
  return { nbrStart, nbrList: ordered.slice(0, kept) }
}

/**
 * Group the tables that take part in merges into twin classes: first by closed neighbourhood
 * (N[t] = N[u]: adjacent twins, e.g. a clique), then the tables left alone by open neighbourhood
 * (N(t) = N(u): e.g. the leaves of a star). Zone and capacity are part of the key.
 *
 * Candidates are grouped by an order-free hash of the neighbourhood (a short key, not the list:
 * a 200-clique's lists joined into strings were most of its first quote), then split by comparing
 * the lists themselves, so a hash collision can never merge tables that are not twins.
 */
function twinClasses(
  n: number,
  zone: Int32Array,
  cap: Float64Array,
  active: Uint8Array,
  mergeable: Uint8Array,
  nbrStart: Int32Array,
  nbrList: Int32Array,
): { twinClass: Int32Array; count: number } {
  const twinClass = new Int32Array(n).fill(-1)
  const sum = new Int32Array(n)
  const xor = new Int32Array(n)
  for (let t = 0; t < n; t++) {
    let s = 0
    let x = 0
    for (let e = nbrStart[t] as number; e < (nbrStart[t + 1] as number); e++) {
      const u = nbrList[e] as number
      s = (s + mixA(u)) | 0
      x ^= mixB(u)
    }
    sum[t] = s
    xor[t] = x
  }
  const sameTable = (t: number, u: number): boolean => zone[t] === zone[u] && cap[t] === cap[u]
  const key = new Int32Array(n)
  for (let t = 0; t < n; t++) {
    key[t] = tableKey(
      zone[t] as number,
      cap[t] as number,
      ((sum[t] as number) + mixA(t)) | 0,
      (xor[t] as number) ^ mixB(t),
    )
  }
  // a table without neighbours has no adjacent twin: it goes straight to the open grouping
  const closed = groupBy(
    n,
    (t) => active[t] === 1 && mergeable[t] === 1 && nbrStart[t + 1] !== nbrStart[t],
    key,
    (t, u) => sameTable(t, u) && sameClosedNeighbourhood(nbrStart, nbrList, t, u),
  )
  let count = 0
  const classOfGroup = new Int32Array(closed.groups).fill(-1)
  for (let t = 0; t < n; t++) {
    const g = closed.groupOf[t] as number
    if (g < 0 || (closed.size[g] as number) < 2) continue
    if (classOfGroup[g] === -1) classOfGroup[g] = count++
    twinClass[t] = classOfGroup[g] as number
  }
  for (let t = 0; t < n; t++) key[t] = tableKey(zone[t] as number, cap[t] as number, sum[t] as number, xor[t] as number)
  const open = groupBy(
    n,
    (t) => active[t] === 1 && mergeable[t] === 1 && twinClass[t] === -1,
    key,
    (t, u) => sameTable(t, u) && sameOpenNeighbourhood(nbrStart, nbrList, t, u),
  )
  const firstOpenClass = count
  for (let t = 0; t < n; t++) {
    const g = open.groupOf[t] as number
    if (g >= 0) twinClass[t] = firstOpenClass + g
  }
  count += open.groups
  return { twinClass, count }
}

/** Two independent 32-bit mixes of a table index, summed and xored into neighbourhood hashes. */
function mixA(x: number): number {
  let h = Math.imul(x ^ 0x5bd1e995, 0x85ebca6b)
  h ^= h >>> 13
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16)
}

function mixB(x: number): number {
  let h = Math.imul(x + 0x27d4eb2f, 0x165667b1)
  h ^= h >>> 15
  return Math.imul(h, 0x9e3779b1) ^ (h >>> 13)
}

/** One 32-bit key of a table's zone, capacity and neighbourhood hashes (collisions are split later). */
function tableKey(zone: number, capacity: number, sum: number, xor: number): number {
  let h = Math.imul(zone ^ 0x2545f491, 0x9e3779b1) ^ mixA(capacity)
  h = Math.imul(h ^ sum, 0x85ebca6b)
  return (h ^ (h >>> 15) ^ xor) | 0
}

/**
 * Number the groups of equal `same` among the tables passing `include`, in order of their first
 * table: groupOf[t] (-1 when not included) and each group's size. `key` must be equal for tables
 * that are `same`; within one key a table is compared with each group's first table. No arrays
 * per table or group: a group is its first table and a chain to the next group of its key.
 */
function groupBy(
  n: number,
  include: (t: number) => boolean,
  key: Int32Array,
  same: (t: number, u: number) => boolean,
): { groupOf: Int32Array; size: Int32Array; groups: number } {
  const firstGroupOfKey = new Map<number, number>()
  const groupOf = new Int32Array(n).fill(-1)
  const first = new Int32Array(n)
  const nextOfKey = new Int32Array(n)
  const size = new Int32Array(n)
  let groups = 0
  for (let t = 0; t < n; t++) {
    if (!include(t)) continue
    const k = key[t] as number
    let g = firstGroupOfKey.get(k) ?? -1
    let last = -1
    while (g >= 0 && !same(first[g] as number, t)) {
      last = g
      g = nextOfKey[g] as number
    }
    if (g < 0) {
      g = groups++
      first[g] = t
      nextOfKey[g] = -1
      if (last >= 0) nextOfKey[last] = g
      else firstGroupOfKey.set(k, g)
    }
    groupOf[t] = g
    size[g] = (size[g] as number) + 1
  }
  return { groupOf, size, groups }
}

function sameOpenNeighbourhood(nbrStart: Int32Array, nbrList: Int32Array, t: number, u: number): boolean {
  const a = nbrStart[t] as number
  const b = nbrStart[u] as number
  const length = (nbrStart[t + 1] as number) - a
  if ((nbrStart[u + 1] as number) - b !== length) return false
  for (let k = 0; k < length; k++) if (nbrList[a + k] !== nbrList[b + k]) return false
  return true
}

/** N[t] = N[u] for t != u: adjacent, and the same neighbours besides each other. */
function sameClosedNeighbourhood(nbrStart: Int32Array, nbrList: Int32Array, t: number, u: number): boolean {
  let a = nbrStart[t] as number
  const aEnd = nbrStart[t + 1] as number
  let b = nbrStart[u] as number
  const bEnd = nbrStart[u + 1] as number
  if (aEnd - a !== bEnd - b) return false
  let uSeen = false
  let tSeen = false
  // both lists are in one zone-list order: walk them together, skipping u in t's and t in u's
  while (a < aEnd || b < bEnd) {
    if (a < aEnd && nbrList[a] === u) {
      uSeen = true
      a++
      continue
    }
    if (b < bEnd && nbrList[b] === t) {
      tSeen = true
      b++
      continue
    }
    if (a >= aEnd || b >= bEnd || nbrList[a] !== nbrList[b]) return false
    a++
    b++
  }
  return uSeen && tSeen
}
