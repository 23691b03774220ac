// Small builders for hand-written planner cases.
import type { Quote, QuoteInput, TableSpec } from '../../../planner/index'

export const H = 3_600_000
export const WINDOW = { start: 18 * H, end: 20 * H }

export const table = (id: string, capacity: number, extra: Partial<TableSpec> = {}): TableSpec => ({
  id,
  zoneId: 'main',
  capacity,
  ...extra,
})

export function request(tables: TableSpec[], partySize: number, extra: Partial<QuoteInput> = {}): QuoteInput {
  return { tables, adjacency: [], busy: [], partySize, window: WINDOW, ...extra }
}

/** tableIds of every plan, joined: ['A+B', 'C'] */
export function plansOf(quote: Quote): string[] {
  if (!quote.ok) throw new Error(`expected plans, got ${quote.reason}`)
  return quote.plans.map((p) => p.tableIds.join('+'))
}

export function reasonOf(quote: Quote): string {
  if (quote.ok) throw new Error(`expected a reason, got plans ${plansOf(quote).join(', ')}`)
  return quote.reason
}
