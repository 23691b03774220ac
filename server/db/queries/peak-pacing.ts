import { sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import type { PacingRule } from '../../assignment/pacing.ts'

interface PacingRow {
  min_party_size: number
  table_count: number
  peak_from: string
  peak_until: string
  release_hours_before: number
}

const ruleOf = (row: PacingRow): PacingRule => ({
  minPartySize: Number(row.min_party_size),
  tableCount: Number(row.table_count),
  from: row.peak_from,
  until: row.peak_until,
  releaseHoursBefore: Number(row.release_hours_before),
})

/** The restaurant's peak-pacing rule, or null when it has none. */
export async function findPacingRule(executor: Executor, restaurantId: string): Promise<PacingRule | null> {
  const result = await executor.execute(sql`
    select min_party_size, table_count, peak_from, peak_until, release_hours_before
      from peak_pacing_rules
     where restaurant_id = ${restaurantId}`)
  const [row] = (result as unknown as { rows: PacingRow[] }).rows
  return row ? ruleOf(row) : null
}

/** Sets (or replaces) the restaurant's rule; the caller has validated it (pacingRuleSchema). */
export async function upsertPacingRule(executor: Executor, restaurantId: string, rule: PacingRule): Promise<void> {
  await executor.execute(sql`
    insert into peak_pacing_rules
           (restaurant_id, min_party_size, table_count, peak_from, peak_until, release_hours_before)
    values (${restaurantId}, ${rule.minPartySize}, ${rule.tableCount}, ${rule.from}, ${rule.until}, ${rule.releaseHoursBefore})
    on conflict (restaurant_id) do update
       set min_party_size = excluded.min_party_size,
           table_count = excluded.table_count,
           peak_from = excluded.peak_from,
           peak_until = excluded.peak_until,
           release_hours_before = excluded.release_hours_before,
           updated_at = now()`)
}

/** Removes the restaurant's rule; true when there was one. */
export async function deletePacingRule(executor: Executor, restaurantId: string): Promise<boolean> {
  const result = await executor.execute(sql`
    delete from peak_pacing_rules where restaurant_id = ${restaurantId} returning restaurant_id`)
  return (result as unknown as { rows: unknown[] }).rows.length > 0
}
