import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '../client.ts'

/**
 * What a set of restaurants saw over a window, from V3's shadow comparisons (what V3 would have
 * done beside legacy) and the assignment attempts (what actually ran). The ids travel as one JSON
 * parameter so the statement is the same text on both drivers whatever their number.
 */
const whatIfRow = z.object({
  compared: z.coerce.number(),
  matched: z.coerce.number(),
  v3_seated: z.coerce.number(),
  legacy_seated: z.coerce.number(),
  v3_p95_ms: z.coerce.number().nullable(),
  legacy_p95_ms: z.coerce.number().nullable(),
  attempts: z.coerce.number(),
  attempts_confirmed: z.coerce.number(),
  attempts_p95_ms: z.coerce.number().nullable(),
})
export type WhatIfRow = z.infer<typeof whatIfRow>

export async function whatIfForRestaurants(
  db: Executor,
  input: { restaurantIds: string[]; from: Date; to: Date; seatedOutcome: string },
): Promise<WhatIfRow> {
  const ids = JSON.stringify(input.restaurantIds)
  const result = await db.execute(sql`
    with chosen as (select value::uuid as id from jsonb_array_elements_text(${ids}::jsonb)),
    shadow as (
      select count(*) as compared,
             count(*) filter (where s.match) as matched,
             count(*) filter (where s.v3_outcome->>'outcome' = ${input.seatedOutcome}) as v3_seated,
             count(*) filter (where s.legacy_outcome->>'outcome' = ${input.seatedOutcome}) as legacy_seated,
             percentile_cont(0.95) within group (order by s.v3_duration_ms) as v3_p95_ms,
             percentile_cont(0.95) within group (order by s.legacy_duration_ms) as legacy_p95_ms
        from shadow_comparisons s
       where s.restaurant_id in (select id from chosen)
         and s.created_at >= ${input.from.toISOString()}::timestamptz and s.created_at < ${input.to.toISOString()}::timestamptz
    ),
    attempts as (
      select count(*) as attempts,
             count(*) filter (where a.outcome = ${input.seatedOutcome}) as attempts_confirmed,
             percentile_cont(0.95) within group (order by a.duration_ms) as attempts_p95_ms
        from assignment_attempts a
        join bookings b on b.id = a.booking_id
       where b.restaurant_id in (select id from chosen)
         and a.started_at >= ${input.from.toISOString()}::timestamptz and a.started_at < ${input.to.toISOString()}::timestamptz
    )
    select * from shadow, attempts`)
  const rows = (result as unknown as { rows: unknown[] }).rows
  return whatIfRow.parse(rows[0])
}
