import { sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { observabilityRollupMarks } from '../schema/observability.ts'

export type RollupGrain = 'minute' | 'hour' | 'day'

/** How far each grain is rolled up; null for a grain never rolled. */
export async function readRollupMarks(db: Executor): Promise<Record<RollupGrain, Date | null>> {
  const rows = await db.select().from(observabilityRollupMarks)
  const marks: Record<RollupGrain, Date | null> = { minute: null, hour: null, day: null }
  for (const row of rows) if (row.grain in marks) marks[row.grain as RollupGrain] = row.rolledUntil
  return marks
}

/** Moves a grain's mark forward; never backwards, so two racing runs cannot undo each other. */
export async function advanceRollupMark(db: Executor, grain: RollupGrain, until: Date): Promise<void> {
  await db.execute(sql`
    insert into observability_rollup_marks (grain, rolled_until) values (${grain}, ${until.toISOString()}::timestamptz)
    on conflict (grain) do update set rolled_until = greatest(observability_rollup_marks.rolled_until, excluded.rolled_until)`)
}
