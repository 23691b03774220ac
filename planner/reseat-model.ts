// The re-seating problem as a MIP (CPLEX LP text) for the instances the search cannot settle
// within its node budget. Pure: the caller runs the solver (server/assignment/reseat-exact.ts).
import type { ReseatInput, ReseatMove } from './reseat'
import { reseatPlans } from './reseat-plans'
import type { Plan, PlannerReason } from './types'

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end

export interface ReseatModel {
  /** CPLEX LP format */
  lp: string
  /** binary columns: what the solve's cost grows with */
  columns: number
  /**
   * the rearrangement in a solution's column values (a column left out reads as 0); null when
   * they are not one (a plan missing for some booking, or two overlapping bookings at one table)
   */
  read(value: (column: string) => number): { plan: Plan; moves: ReseatMove[] } | null
}

/**
 * Columns: n_p = 1 when the new booking takes its plan p (its minimal plans, optimal_fit order);
 * s_b = 1 when booking b stays; m_b_q = 1 when it moves to its minimal plan q. Each takes exactly
 * one. Two windows that share a table must not overlap: windows are intervals, so any set of
 * pairwise overlapping ones has a common point at the latest start among them, and one row per
 * (table, start of a window that may use it) over the windows that may use it and are active then
 * covers every clash (the quality references' model, docs/decisions/021). The same plans as the
 * search: minimal ones on tables no fixed window blocks, and where a booking sits now.
 * Objective: fewest moves; among those the new booking's best plan (each move weighs more than
 * every plan rank together), so the answer is the search's when both find one.
 * Null model: no plan for the new booking even with every movable booking gone.
 */
export function reseatModel(
  input: ReseatInput,
): { ok: true; model: ReseatModel } | { ok: false; reason: PlannerReason | 'NO_REARRANGEMENT' } {
  const candidates = reseatPlans(input)
  if (!candidates.ok) return candidates
  const { newPlans, bookings, otherPlans } = candidates.plans
  const moveWeight = newPlans.length
  const objective: string[] = []
  const rows: string[] = []
  const binaries: string[] = []
  const users = new Map<string, Array<{ column: string; window: { start: number; end: number }; owner: number }>>()
  const use = (column: string, plan: string[], window: { start: number; end: number }, owner: number) => {
    binaries.push(column)
    for (const table of plan) {
      const list = users.get(table) ?? []
      list.push({ column, window, owner })
      users.set(table, list)
    }
  }
  const newColumns = newPlans.map((plan, index) => {
    const column = `n_${index}`
    use(column, plan.tableIds, input.request.window, -1)
    if (index > 0) objective.push(`${index} ${column}`)
    return column
  })
  rows.push(` new: ${newColumns.join(' + ')} = 1`)
  bookings.forEach((booking, b) => {
    const stay = `s_${b}`
    use(stay, booking.current, booking.window, b)
    const moves = otherPlans(b).map((plan, q) => {
      const column = `m_${b}_${q}`
      use(column, plan, booking.window, b)
      objective.push(`${moveWeight} ${column}`)
      return column
    })
    rows.push(` one_${b}: ${[stay, ...moves].join(' + ')} = 1`)
  })
  let clash = 0
  for (const list of users.values()) {
    for (const at of new Set(list.map((user) => user.window.start))) {
      const active = list.filter((user) => user.window.start <= at && at < user.window.end)
      if (new Set(active.map((user) => user.owner)).size > 1)
        rows.push(` c${clash++}: ${active.map((user) => user.column).join(' + ')} <= 1`)
    }
  }
  const lp = [
    'Minimize',
    ` obj: ${objective.length > 0 ? objective.join(' + ') : '0 n_0'}`,
    'Subject To',
    ...rows,
    'Binaries',
    ...binaries.map((column) => ` ${column}`),
    'End',
  ].join('\n')
  const read = (value: (column: string) => number) => {
    const taken = (column: string) => value(column) > 0.5
    const chosen = newPlans.findIndex((_, index) => taken(`n_${index}`))
    if (chosen === -1) return null
    const placed = [{ window: input.request.window, plan: newPlans[chosen]!.tableIds }]
    const moves: ReseatMove[] = []
    for (const [b, booking] of bookings.entries()) {
      const to = otherPlans(b).findIndex((_, q) => taken(`m_${b}_${q}`))
      if (to === -1 && !taken(`s_${b}`)) return null
      if (to !== -1) moves.push({ bookingId: booking.id, from: booking.current, to: otherPlans(b)[to]! })
      placed.push({ window: booking.window, plan: to === -1 ? booking.current : otherPlans(b)[to]! })
    }
    // a solution stopped by the time limit is read too: take it only when it is a rearrangement
    for (const [index, one] of placed.entries()) {
      for (const other of placed.slice(index + 1)) {
        if (overlaps(one.window, other.window) && one.plan.some((id) => other.plan.includes(id))) return null
      }
    }
    return { plan: newPlans[chosen]!, moves }
  }
  return { ok: true, model: { lp, columns: binaries.length, read } }
}
