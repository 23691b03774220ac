// The per-floor precomputation (planner/floor.ts) against definitions written the slow, obvious
// way: neighbour lists as sets, twin classes by comparing neighbourhoods table against table.
// The fast build reads edges into flat arrays, orders lists without sorting and groups twins by
// a hash, so these check it keeps the meaning on floors with every kind of odd edge.
import { describe, expect, it } from 'vitest'
import { buildFloor, type Floor } from '../../../planner/floor'
import type { TableSpec } from '../../../planner/index'
import { seededRandom } from '../../../server/sim/seeded-random.ts'
import { int, pick, type Rng } from './random-floor'

function randomFloor(rng: Rng): { tables: TableSpec[]; adjacency: unknown[] } {
  const n = int(rng, 1, 16)
  const tables: TableSpec[] = Array.from({ length: n }, (_, i) => ({
    id: `${pick(rng, ['A', 'a', 'T', ''])}${int(rng, 0, 60)}_${i}`,
    zoneId: rng() < 0.7 ? 'main' : 'terrace',
    capacity: pick(rng, [2, 2, 4, 4, 6]),
    mergeable: rng() < 0.9,
    active: rng() < 0.9,
  }))
  const adjacency: unknown[] = []
  for (let k = int(rng, 0, n * n); k > 0; k--) {
    const a = (pick(rng, tables) as TableSpec).id
    // unknown ids, self loops, duplicates and reversed pairs all occur
    const b = rng() < 0.05 ? 'missing' : (pick(rng, tables) as TableSpec).id
    adjacency.push([a, b])
  }
  return { tables, adjacency }
}

/** Usable same-zone neighbours of each table, as sets of indices. */
function referenceNeighbours(tables: TableSpec[], adjacency: unknown[]): Array<Set<number>> {
  const index = new Map(tables.map((t, i) => [t.id, i]))
  const usable = (t: TableSpec): boolean => t.active !== false && t.mergeable !== false
  const sets = tables.map(() => new Set<number>())
  for (const edge of adjacency as Array<[string, string]>) {
    const i = index.get(edge[0])
    const j = index.get(edge[1])
    if (i === undefined || j === undefined || i === j) continue
    const a = tables[i] as TableSpec
    const b = tables[j] as TableSpec
    if (a.zoneId !== b.zoneId || !usable(a) || !usable(b)) continue
    ;(sets[i] as Set<number>).add(j)
    ;(sets[j] as Set<number>).add(i)
  }
  return sets
}

const sameSet = (a: Set<number>, b: Set<number>): boolean => a.size === b.size && [...a].every((x) => b.has(x))

/** Twin classes by definition, as a sorted list of groups of ids. */
function referenceTwins(tables: TableSpec[], adjacency: unknown[]): string[] {
  const nbrs = referenceNeighbours(tables, adjacency)
  const usable = tables.map((t) => t.active !== false && t.mergeable !== false)
  const similar = (t: number, u: number): boolean =>
    tables[t]?.zoneId === tables[u]?.zoneId && tables[t]?.capacity === tables[u]?.capacity
  const closed = (t: number): Set<number> => new Set([...(nbrs[t] as Set<number>), t])
  const group = (members: number[], same: (t: number, u: number) => boolean): number[][] => {
    const groups: number[][] = []
    for (const t of members) {
      const g = groups.find((x) => same(x[0] as number, t))
      if (g) g.push(t)
      else groups.push([t])
    }
    return groups
  }
  const all = tables.map((_, i) => i).filter((i) => usable[i])
  const closedGroups = group(all, (t, u) => similar(t, u) && sameSet(closed(t), closed(u)))
  const alone = closedGroups.filter((g) => g.length === 1).map((g) => g[0] as number)
  const openGroups = group(alone, (t, u) => similar(t, u) && sameSet(nbrs[t] as Set<number>, nbrs[u] as Set<number>))
  return [...closedGroups.filter((g) => g.length > 1), ...openGroups]
    .map((g) => g.map((t) => tables[t]?.id).join(','))
    .sort()
}

function twinsOf(floor: Floor): string[] {
  const groups = new Map<number, string[]>()
  floor.twinClass.forEach((c, t) => {
    if (c < 0) return
    const g = groups.get(c) ?? []
    g.push(floor.ids[t] as string)
    groups.set(c, g)
  })
  return [...groups.values()].map((g) => g.join(',')).sort()
}

describe('floor precomputation', () => {
  it('keeps each usable edge once, in zone-list order, on random floors with odd edges', () => {
    const rng = seededRandom(9091)
    for (let round = 0; round < 400; round++) {
      const { tables, adjacency } = randomFloor(rng)
      const floor = buildFloor(tables, adjacency) as Floor
      const expected = referenceNeighbours(tables, adjacency)
      for (let t = 0; t < tables.length; t++) {
        const list = [...floor.nbrList.subarray(floor.nbrStart[t], floor.nbrStart[t + 1])]
        expect(new Set(list)).toEqual(expected[t])
        expect(list.length).toBe(expected[t]?.size)
        const order = floor.zoneTables[floor.zone[t] as number] as Int32Array
        const positions = list.map((u) => order.indexOf(u))
        expect(positions).toEqual([...positions].sort((x, y) => x - y))
      }
    }
  })

  it('groups exactly the twins: adjacent twins first, then tables with equal neighbours', () => {
    const rng = seededRandom(424242)
    for (let round = 0; round < 400; round++) {
      const { tables, adjacency } = randomFloor(rng)
      const floor = buildFloor(tables, adjacency) as Floor
      expect(twinsOf(floor)).toEqual(referenceTwins(tables, adjacency))
      expect(floor.twinClassCount).toBe(referenceTwins(tables, adjacency).length)
    }
  })

  it('a clique is one class, the leaves of a star are one class, the ends of a path are not twins', () => {
    const two = (id: string): TableSpec => ({ id, zoneId: 'z', capacity: 2 })
    const clique = buildFloor(['a', 'b', 'c', 'd'].map(two), [
      ['a', 'b'],
      ['a', 'c'],
      ['a', 'd'],
      ['b', 'c'],
      ['b', 'd'],
      ['c', 'd'],
    ]) as Floor
    expect(twinsOf(clique)).toEqual(['a,b,c,d'])
    const star = buildFloor(['hub', 'x', 'y', 'z'].map(two), [
      ['hub', 'x'],
      ['y', 'hub'],
      ['hub', 'z'],
      ['x', 'hub'],
    ]) as Floor
    expect(twinsOf(star)).toEqual(['hub', 'x,y,z'])
    const path = buildFloor(['p', 'q', 'r', 's'].map(two), [
      ['p', 'q'],
      ['q', 'r'],
      ['r', 's'],
    ]) as Floor
    expect(twinsOf(path)).toEqual(['p', 'q', 'r', 's'])
  })

  it('answers null for a malformed edge, as before', () => {
    const tables = [{ id: 'a', zoneId: 'z', capacity: 2 }]
    expect(buildFloor(tables, [['a']])).toBeNull()
    expect(buildFloor(tables, [['a', 3]])).toBeNull()
    expect(buildFloor(tables, ['a-b'])).toBeNull()
  })
})
