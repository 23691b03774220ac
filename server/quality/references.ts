import type { Highs } from 'highs'
import { turnMinutesFor } from '../bookings/block-window.ts'
import type { FloorInput } from '../restaurants/floor-schema.ts'
import { floorModel, minimalPlans, type PlanKnobs } from './candidate-plans.ts'
import { cancelledBefore, type Evening, type EveningRequest } from './evening.ts'

/** A request with its block window (minutes after midnight, half-open) and its candidate plans. */
export interface ModelRequest {
  arrival: number
  partySize: number
  start: number
  end: number
  plans: string[][]
}

export interface ReferenceResult {
  /** arrival indexes of the requests seated at the end of the evening (cancelled ones excluded) */
  seated: number[]
  covers: number
  bookings: number
}

/** Requests of the evening with their windows and plans, computed as the engine would. */
export function modelRequests(floor: FloorInput, evening: Evening, knobs: PlanKnobs): ModelRequest[] {
  const model = floorModel(floor)
  const turn = floor.turnMinutes ?? { '2': 90, '4': 105, '6': 120, '99': 150 }
  const buffer = floor.bufferMinutes ?? 15
  const plansFor = new Map<string, string[][]>()
  return evening.requests.map((request: EveningRequest) => {
    const key = `${request.partySize}:${request.zone ?? ''}`
    let plans = plansFor.get(key)
    if (!plans) {
      plans = minimalPlans(model, request.partySize, request.zone, knobs)
      plansFor.set(key, plans)
    }
    return {
      arrival: request.arrival,
      partySize: request.partySize,
      start: request.startMinutes,
      end: request.startMinutes + turnMinutesFor(turn, request.partySize) + buffer,
      plans,
    }
  })
}

/**
 * The assignment model as a MIP in CPLEX LP format: x_r_p = 1 when request r sits at plan p.
 * Each request takes at most one plan (exactly one when it must be seated). Two requests that
 * share a table must not overlap in time: windows are intervals, so any set of pairwise
 * overlapping windows has a common point at the latest start among them, and one constraint per
 * (table, start of a request using it) over the windows active at that start covers every clash.
 */
function assignmentModel(requests: ModelRequest[], mustSeat: Set<number>, objective: 'covers' | 'none'): string {
  const terms: string[] = []
  const rows: string[] = []
  const binaries: string[] = []
  const byTable = new Map<string, Array<{ variable: string; request: ModelRequest }>>()
  for (const request of requests) {
    const variables = request.plans.map((plan, index) => {
      const variable = `x_${request.arrival}_${index}`
      binaries.push(variable)
      for (const table of plan) {
        const users = byTable.get(table) ?? []
        users.push({ variable, request })
        byTable.set(table, users)
      }
      return variable
    })
    if (variables.length === 0) {
      if (mustSeat.has(request.arrival)) rows.push(` none_${request.arrival}: 0 x_never = 1`)
      continue
    }
    if (objective === 'covers') terms.push(...variables.map((variable) => `${request.partySize} ${variable}`))
    rows.push(` one_${request.arrival}: ${variables.join(' + ')} ${mustSeat.has(request.arrival) ? '=' : '<='} 1`)
  }
  let clash = 0
  for (const users of byTable.values()) {
    const starts = [...new Set(users.map((user) => user.request.start))]
    for (const at of starts) {
      const active = users.filter((user) => user.request.start <= at && at < user.request.end)
      if (new Set(active.map((user) => user.request.arrival)).size > 1) {
        rows.push(` c${clash++}: ${active.map((user) => user.variable).join(' + ')} <= 1`)
      }
    }
  }
  const objectiveLine = terms.length > 0 ? terms.join(' + ') : '0 x_never'
  return [
    'Maximize',
    ` obj: ${objectiveLine}`,
    'Subject To',
    ...(rows.length > 0 ? rows : [' trivial: x_never >= 0']),
    'Bounds',
    ' 0 <= x_never <= 0',
    'Binaries',
    ...binaries.map((variable) => ` ${variable}`),
    'End',
  ].join('\n')
}

function solve(highs: Highs, lp: string) {
  const solution = highs.solve(lp, { output_flag: false, mip_rel_gap: 0 } as never)
  return solution
}

function seatedOf(solution: ReturnType<Highs['solve']>, requests: ModelRequest[]): number[] {
  const seated: number[] = []
  const columns = solution.Columns as Record<string, { Primal: number }>
  for (const request of requests) {
    if (request.plans.some((_, index) => (columns[`x_${request.arrival}_${index}`]?.Primal ?? 0) > 0.5)) {
      seated.push(request.arrival)
    }
  }
  return seated
}

function result(requests: ModelRequest[], seated: number[]): ReferenceResult {
  const sizes = new Map(requests.map((request) => [request.arrival, request.partySize]))
  return {
    seated: [...seated].sort((a, b) => a - b),
    covers: seated.reduce((sum, arrival) => sum + sizes.get(arrival)!, 0),
    bookings: seated.length,
  }
}

/**
 * The hindsight optimum: knowing the whole evening (and which bookings will be cancelled), the
 * most covers that could sit. Solved to proven optimality (mip_rel_gap 0).
 */
export function hindsightOptimum(highs: Highs, requests: ModelRequest[], cancelled: Set<number>): ReferenceResult {
  const kept = requests.filter((request) => !cancelled.has(request.arrival))
  const solution = solve(highs, assignmentModel(kept, new Set(), 'covers'))
  if (solution.Status !== 'Optimal') throw new Error(`hindsight MIP ended ${solution.Status}`)
  return result(kept, seatedOf(solution, kept))
}

/**
 * First come, first served with perfect re-seating: requests arrive in order; each is accepted
 * when every booking accepted so far (less those cancelled by then, cancelledBefore: the engine's
 * run cancels at the same point) and this one can all be seated by some rearrangement. The limit for an engine that never refuses a guest it could fit.
 */
export function firstComeLimit(
  highs: Highs,
  requests: ModelRequest[],
  cancelAfter: Map<number, number>,
): ReferenceResult {
  const accepted = new Set<number>()
  const byArrival = [...requests].sort((a, b) => a.arrival - b.arrival)
  for (const request of byArrival) {
    for (const [arrival, after] of cancelAfter) if (cancelledBefore(after, request.arrival)) accepted.delete(arrival)
    if (request.plans.length === 0) continue
    const candidate = new Set([...accepted, request.arrival])
    const subset = byArrival.filter((other) => candidate.has(other.arrival))
    const solution = solve(highs, assignmentModel(subset, candidate, 'none'))
    if (solution.Status === 'Optimal') accepted.add(request.arrival)
    else if (solution.Status !== 'Infeasible') throw new Error(`first-come MIP ended ${solution.Status}`)
  }
  for (const [arrival] of cancelAfter) accepted.delete(arrival)
  return result(requests, [...accepted])
}
