import { beforeAll, describe, expect, it } from 'vitest'
import loadHighs, { type Highs } from 'highs'
import type { FloorInput } from '../../server/restaurants/floor-schema.ts'
import { floorModel, minimalPlans } from '../../server/quality/candidate-plans.ts'
import { cancelledBefore, generateEvening, type Evening } from '../../server/quality/evening.ts'
import { firstComeLimit, hindsightOptimum, modelRequests, type ModelRequest } from '../../server/quality/references.ts'
import { seededRandom } from '../../server/sim/seeded-random.ts'
import { isValidPlan } from './planner/reference-model.ts'

const KNOBS = { maxTables: 3, requireAdjacency: true }

/** A tiny floor drawn at random: 4-6 tables in one or two zones, a few adjacencies. */
function tinyFloor(random: () => number): FloorInput {
  const count = 4 + Math.floor(random() * 3)
  const zones = random() < 0.5 ? ['a'] : ['a', 'b']
  const tables = Array.from({ length: count }, (_, index) => ({
    key: `t${index}`,
    zone: zones[index % zones.length]!,
    capacity: [2, 2, 4, 6][Math.floor(random() * 4)]!,
    ...(random() < 0.15 ? { mergeable: false } : {}),
  }))
  const adjacency: Array<[string, string]> = []
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) if (random() < 0.4) adjacency.push([`t${a}`, `t${b}`])
  }
  return {
    name: 'tiny',
    timezone: 'UTC',
    turnMinutes: { '2': 60, '4': 90, '99': 120 },
    bufferMinutes: 0,
    servicePeriods: [],
    zones: zones.map((key) => ({ key, name: key })),
    tables,
    adjacency,
  }
}

/** Every valid plan (not only minimal ones) by checking each subset of tables against the contract. */
function allValidPlans(floor: FloorInput, partySize: number, zone: string | null): string[][] {
  const model = floorModel(floor)
  const ids = model.tables.map((table) => table.id)
  const plans: string[][] = []
  for (let mask = 1; mask < 1 << ids.length; mask++) {
    const subset = ids.filter((_, index) => mask & (1 << index))
    const input = {
      tables: model.tables,
      adjacency: model.adjacency,
      busy: [],
      partySize,
      window: { start: 0, end: 1 },
      zoneId: zone,
      maxTables: KNOBS.maxTables,
      requireAdjacency: KNOBS.requireAdjacency,
    }
    if (isValidPlan(input, subset)) plans.push(subset)
  }
  return plans
}

const overlaps = (a: ModelRequest, b: ModelRequest) => a.start < b.end && b.start < a.end

/** Largest covers over every way to seat a subset of `requests` (each at any valid plan or not at all). */
function bruteForceBest(requests: ModelRequest[], mustSeat: Set<number>): number | null {
  let best: number | null = null
  const chosen: Array<{ request: ModelRequest; plan: string[] }> = []
  const visit = (index: number, covers: number) => {
    if (index === requests.length) {
      if (best === null || covers > best) best = covers
      return
    }
    const request = requests[index]!
    if (!mustSeat.has(request.arrival)) visit(index + 1, covers)
    for (const plan of request.plans) {
      const clash = chosen.some(
        (other) => overlaps(other.request, request) && other.plan.some((table) => plan.includes(table)),
      )
      if (clash) continue
      chosen.push({ request, plan })
      visit(index + 1, covers + request.partySize)
      chosen.pop()
    }
  }
  visit(0, 0)
  return best
}

function withAllPlans(floor: FloorInput, evening: Evening): ModelRequest[] {
  return modelRequests(floor, evening, KNOBS).map((request) => {
    const source = evening.requests[request.arrival]!
    return { ...request, plans: allValidPlans(floor, source.partySize, source.zone) }
  })
}

describe('quality references (HiGHS MIP) against brute force on tiny evenings', () => {
  let highs: Highs
  beforeAll(async () => {
    highs = await loadHighs()
  })

  it('minimal plans are exactly the valid plans with no valid proper subset', () => {
    const random = seededRandom(7)
    for (let round = 0; round < 30; round++) {
      const floor = tinyFloor(random)
      for (const partySize of [1, 2, 3, 5, 8]) {
        const all = allValidPlans(floor, partySize, null)
        const minimal = all.filter(
          (plan) => !all.some((other) => other.length < plan.length && other.every((id) => plan.includes(id))),
        )
        const got = minimalPlans(floorModel(floor), partySize, null, KNOBS).map((plan) => plan.join(','))
        expect(got.sort()).toEqual(minimal.map((plan) => [...plan].sort().join(',')).sort())
      }
    }
  })

  it('the hindsight optimum equals the brute-force best over every valid plan', () => {
    const random = seededRandom(11)
    let nonTrivial = 0
    for (let round = 0; round < 25; round++) {
      const floor = tinyFloor(random)
      const evening = generateEvening(floor, { seed: round + 1, count: 6, cancelShare: 0.2 })
      const cancelled = new Set(evening.requests.filter((r) => r.cancelledAfter !== null).map((r) => r.arrival))
      const mip = hindsightOptimum(highs, modelRequests(floor, evening, KNOBS), cancelled)
      const kept = withAllPlans(floor, evening).filter((request) => !cancelled.has(request.arrival))
      const best = bruteForceBest(kept, new Set())
      expect(mip.covers).toBe(best)
      if (mip.bookings < kept.filter((request) => request.plans.length > 0).length) nonTrivial++
    }
    // the instances must actually force choices, or the comparison proves little
    expect(nonTrivial).toBeGreaterThan(5)
  })

  it("the first-come limit frees a cancelled booking's tables for the request it is cancelled before, as the engine run does", () => {
    // one two-top; the first pair is cancelled just before the second asks for the same hour
    const floor: FloorInput = {
      ...tinyFloor(seededRandom(1)),
      tables: [{ key: 't0', zone: 'a', capacity: 2 }],
      zones: [{ key: 'a', name: 'a' }],
      adjacency: [],
    }
    const evening: Evening = {
      seed: 0,
      profile: 'peak',
      requests: [
        { arrival: 0, partySize: 2, startMinutes: 19 * 60, zone: null, cancelledAfter: 1 },
        { arrival: 1, partySize: 2, startMinutes: 19 * 60, zone: null, cancelledAfter: null },
      ],
    }
    const limit = firstComeLimit(highs, modelRequests(floor, evening, KNOBS), new Map([[0, 1]]))
    expect(limit.seated).toEqual([1])
  })

  it('the first-come limit accepts exactly the requests a brute force can fit in arrival order', () => {
    const random = seededRandom(23)
    let refused = 0
    for (let round = 0; round < 25; round++) {
      const floor = tinyFloor(random)
      const evening = generateEvening(floor, { seed: 100 + round, count: 6, cancelShare: 0.2 })
      const cancelAfter = new Map(
        evening.requests.filter((r) => r.cancelledAfter !== null).map((r) => [r.arrival, r.cancelledAfter!]),
      )
      const mip = firstComeLimit(highs, modelRequests(floor, evening, KNOBS), cancelAfter)
      const requests = withAllPlans(floor, evening)
      const accepted = new Set<number>()
      for (const request of requests) {
        for (const [arrival, after] of cancelAfter)
          if (cancelledBefore(after, request.arrival)) accepted.delete(arrival)
        const candidate = new Set([...accepted, request.arrival])
        const subset = requests.filter((other) => candidate.has(other.arrival))
        if (bruteForceBest(subset, candidate) !== null) accepted.add(request.arrival)
        else refused++
      }
      for (const [arrival] of cancelAfter) accepted.delete(arrival)
      expect(mip.seated).toEqual([...accepted].sort((a, b) => a - b))
    }
    expect(refused).toBeGreaterThan(5)
  })
})
