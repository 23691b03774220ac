// The typical floors of the planner benchmark: the demo floors and seeded random ones, at several
// occupancies, table limits and adjacency rules. Shared by bench:planner (against exhaustive
// enumeration) and bench:planner-ab (against an earlier commit's planner).
import { bistro, brasserie, foodHall, randomFloor, type Floor } from './floors'

export interface Scenario {
  name: string
  floor: Floor
  occupancy: number
  maxTables: number
  requireAdjacency: boolean
  count: number
  seed: number
  /** ms of exhaustive enumeration allowed (at least minQuotes are always run); Infinity = all */
  exhaustiveBudgetMs: number
  target?: boolean
  /** give every quote its own copy of the floor arrays: no precomputation reuse */
  coldFloor?: boolean
}

export function typicalScenarios(): Scenario[] {
  const hall = foodHall()
  const scenarios: Scenario[] = [
    {
      name: 'TARGET foodhall-150 (6 zones) 50% occupied, maxTables 4, adjacency',
      floor: hall,
      occupancy: 0.5,
      maxTables: 4,
      requireAdjacency: true,
      count: 5000,
      seed: 1,
      exhaustiveBudgetMs: Number.POSITIVE_INFINITY,
      target: true,
    },
    {
      name: 'foodhall-150 50%, maxTables 4, no adjacency',
      floor: hall,
      occupancy: 0.5,
      maxTables: 4,
      requireAdjacency: false,
      count: 3000,
      seed: 2,
      exhaustiveBudgetMs: 4000,
    },
    {
      name: 'foodhall-150 50%, maxTables 4, adjacency, cold floor cache',
      floor: hall,
      occupancy: 0.5,
      maxTables: 4,
      requireAdjacency: true,
      count: 2000,
      seed: 3,
      exhaustiveBudgetMs: 1000,
      coldFloor: true,
    },
    {
      name: 'bistro-20 50%, maxTables 3',
      floor: bistro(),
      occupancy: 0.5,
      maxTables: 3,
      requireAdjacency: true,
      count: 3000,
      seed: 4,
      exhaustiveBudgetMs: 1000,
    },
    {
      name: 'brasserie-60 (4 zones) 50%, maxTables 3',
      floor: brasserie(),
      occupancy: 0.5,
      maxTables: 3,
      requireAdjacency: true,
      count: 3000,
      seed: 5,
      exhaustiveBudgetMs: 1000,
    },
  ]
  let seed = 100
  for (const size of [20, 60, 150]) {
    const floor = randomFloor(size, size, size === 20 ? 2 : size === 60 ? 4 : 6)
    for (const occupancy of [0, 0.4, 0.8]) {
      for (const maxTables of [2, 3, 4]) {
        for (const requireAdjacency of [true, false]) {
          scenarios.push({
            name: `random-${size} ${occupancy * 100}%, maxTables ${maxTables}, ${requireAdjacency ? 'adjacency' : 'no adjacency'}`,
            floor,
            occupancy,
            maxTables,
            requireAdjacency,
            count: 1000,
            seed: seed++,
            exhaustiveBudgetMs: 700,
          })
        }
      }
    }
  }
  return scenarios
}
