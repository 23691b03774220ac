import { quoteTables, type BusyWindow, type Plan, type TableSpec } from '../../../../planner/index.ts'

/** Another known booking of the same restaurant whose window overlaps: it competes for the tables. */
export interface CompetingBooking {
  id: string
  partySize: number
  zoneId: string | null
  window: { start: number; end: number }
}

export interface LookAheadInput {
  tables: TableSpec[]
  adjacency: Array<[string, string]>
  floorVersion: string
  busy: BusyWindow[]
  /** the booking being seated */
  window: { start: number; end: number }
  partySize: number
  maxTables: number
  requireAdjacency: boolean
  competing: CompetingBooking[]
}

export interface ScoredPlan {
  plan: Plan
  strategies: string[]
  score: number
  /** competing bookings this plan would leave with no valid plan at all */
  blocked: number
  /** the extra seats the competing bookings' best plans would waste, summed */
  squeeze: number
}

/** The weights of V3's score (lower is better). See `scorePlans`. */
export const SCORE_WEIGHTS = { blocked: 100, overage: 10, extraTable: 4, squeeze: 2, squeezeCap: 10 } as const

/**
 * V3's choice among the plans its strategies proposed (the plan's "SmartAssignmentEngine"), with
 * look-ahead: for each candidate, the planner is asked again for every competing booking (pending,
 * overlapping window) as if the candidate's tables were taken.
 *
 *   score = 100 * blocked + 10 * overage + 4 * (tables - 1) + 2 * min(10, squeeze)
 *
 * - blocked: competing bookings that would have no valid plan at all (the big or merge-critical
 *   tables they need were used): the dominant term, as a lost booking costs more than any seat.
 * - overage: empty seats at this booking's tables (optimal_fit's primary key).
 * - tables - 1: merges cost a little (staff move furniture, adjacency is used up).
 * - squeeze: for each competing booking still seatable, how many more empty seats its best plan
 *   has than before (it had to fall back to a worse fit); capped so one busy service cannot drown
 *   the booking's own fit.
 * Ties keep the candidates' order: the planner's optimal_fit order, whose own ties break on table
 * keys (server/assignment/key-ordered-floor.ts). So an equal score chooses what legacy chooses, and
 * the same evening seats the same way on every database (table ids are random uuids: ordering by
 * them made V3 disagree with legacy on ties, differently on every run). Pure: no I/O, no clock.
 */
export function scorePlans(candidates: Array<{ plan: Plan; strategy: string }>, input: LookAheadInput): ScoredPlan[] {
  const unique = new Map<string, { plan: Plan; strategies: string[] }>()
  for (const { plan, strategy } of candidates) {
    const key = [...plan.tableIds].sort().join(',')
    const seen = unique.get(key)
    if (seen) seen.strategies.push(strategy)
    else unique.set(key, { plan, strategies: [strategy] })
  }
  const quoteFor = (other: CompetingBooking, busy: BusyWindow[]) =>
    quoteTables({
      tables: input.tables,
      adjacency: input.adjacency,
      floorVersion: input.floorVersion,
      busy,
      partySize: other.partySize,
      window: other.window,
      zoneId: other.zoneId,
      maxTables: input.maxTables,
      requireAdjacency: input.requireAdjacency,
      limit: 1,
    })
  // what each competitor can get today, before this booking takes anything
  const baseline = new Map(
    input.competing.map((other) => {
      const quote = quoteFor(other, input.busy)
      return [other.id, quote.ok ? quote.plans[0]!.overage : null] as const
    }),
  )

  const scored: ScoredPlan[] = []
  for (const { plan, strategies } of unique.values()) {
    const taken = plan.tableIds.map((tableId) => ({ tableId, start: input.window.start, end: input.window.end }))
    const busy = input.busy.concat(taken)
    let blocked = 0
    let squeeze = 0
    for (const other of input.competing) {
      const before = baseline.get(other.id)
      if (before === null || before === undefined) continue // it could not be seated anyway
      const after = quoteFor(other, busy)
      if (!after.ok) blocked++
      else squeeze += Math.max(0, after.plans[0]!.overage - before)
    }
    const score =
      SCORE_WEIGHTS.blocked * blocked +
      SCORE_WEIGHTS.overage * plan.overage +
      SCORE_WEIGHTS.extraTable * (plan.tableIds.length - 1) +
      SCORE_WEIGHTS.squeeze * Math.min(SCORE_WEIGHTS.squeezeCap, squeeze)
    scored.push({ plan, strategies, score, blocked, squeeze })
  }
  // Array.prototype.sort is stable: equal scores stay in candidate order
  return scored.sort((a, b) => a.score - b.score)
}
