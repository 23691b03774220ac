import { z } from 'zod'
import type { TableSpec } from '../../planner/index.ts'
import { localDate, zonedTimeToUtc } from '../sim/local-time.ts'

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'give the time as HH:MM (24-hour, local)')

/**
 * Peak pacing (docs/decisions/023): between `from` and `until` (local wall clock) on every day,
 * `tableCount` tables (the largest, then the most mergeable) are kept for parties of at least
 * `minPartySize` until `releaseHoursBefore` hours before `from` on that day; from then on every
 * party may have them. Behind the flag `assignment.peak_pacing`.
 */
export const pacingRuleSchema = z
  .object({
    minPartySize: z.number().int().min(2).max(100),
    tableCount: z.number().int().min(1).max(100),
    from: hhmm,
    until: hhmm,
    releaseHoursBefore: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
  })
  .strict()
  .refine((rule) => rule.from < rule.until, {
    message: 'from must come before until on the same day (a peak past midnight is not supported)',
    path: ['until'],
  })

export type PacingRule = z.infer<typeof pacingRuleSchema>

export type PacingOutcome =
  /** the booking's window does not touch the peak */
  | 'outside_peak'
  /** the party is large enough for the held tables */
  | 'large_party'
  /** the cut-off has passed: the held tables are free for everyone */
  | 'released'
  /** the held tables are kept from this party */
  | 'held'

export interface PacingDecision {
  outcome: PacingOutcome
  /** table ids the planner must not give this party (empty unless `held`) */
  heldTableIds: string[]
  /** when the hold on this booking's day ends; null outside the peak */
  releaseAt: Date | null
}

export interface PacingInput {
  partySize: number
  window: { start: Date; end: Date }
  /** the restaurant's time zone: the peak and the cut-off are local wall-clock times */
  timeZone: string
  tables: readonly Pick<TableSpec, 'id' | 'capacity' | 'mergeable'>[]
  adjacency: ReadonlyArray<readonly [string, string]>
  /** key of each table id: ties between equal tables break on it, so the held set is stable */
  keyById: ReadonlyMap<string, string>
  /** injected, like the retry policy's clock: the decision depends on nothing else */
  now: Date
}

/**
 * The tables a rule holds: the largest first, then (equal seats) the ones that merge with the
 * most neighbours (a merge is how a big party is seated on a floor of small tables), then by key.
 */
export function heldTablesOf(
  rule: Pick<PacingRule, 'tableCount'>,
  input: Pick<PacingInput, 'tables' | 'adjacency' | 'keyById'>,
): string[] {
  const degree = new Map<string, number>()
  for (const [a, b] of input.adjacency) {
    degree.set(a, (degree.get(a) ?? 0) + 1)
    degree.set(b, (degree.get(b) ?? 0) + 1)
  }
  const mergeDegree = (table: PacingInput['tables'][number]) => (table.mergeable ? (degree.get(table.id) ?? 0) : 0)
  const key = (id: string) => input.keyById.get(id) ?? id
  return [...input.tables]
    .sort(
      (a, b) =>
        b.capacity - a.capacity ||
        mergeDegree(b) - mergeDegree(a) ||
        (key(a.id) < key(b.id) ? -1 : key(a.id) > key(b.id) ? 1 : 0),
    )
    .slice(0, rule.tableCount)
    .map((table) => table.id)
}

/** Whether the rule keeps its tables from this booking, and which. Pure: time comes in as `now`. */
export function pacingDecision(rule: PacingRule, input: PacingInput): PacingDecision {
  const day = localDate(input.window.start, input.timeZone)
  const peakStart = zonedTimeToUtc(day, rule.from, input.timeZone)
  const peakEnd = zonedTimeToUtc(day, rule.until, input.timeZone)
  // a small party whose table is still taken when the peak starts uses a held table at peak too
  const touchesPeak = input.window.start < peakEnd && input.window.end > peakStart
  if (!touchesPeak) return { outcome: 'outside_peak', heldTableIds: [], releaseAt: null }
  const releaseAt = new Date(peakStart.getTime() - rule.releaseHoursBefore * 3_600_000)
  if (input.partySize >= rule.minPartySize) return { outcome: 'large_party', heldTableIds: [], releaseAt }
  if (input.now >= releaseAt) return { outcome: 'released', heldTableIds: [], releaseAt }
  return { outcome: 'held', heldTableIds: heldTablesOf(rule, input), releaseAt }
}
