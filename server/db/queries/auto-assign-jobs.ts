import type { SqlExecutor } from '../prepared.ts'
import type { AssignmentState } from '../schema/bookings.ts'

// pg-boss keeps its jobs in <schema>.job; these statements read it next to our tables. Its v10
// layout (name, state, singleton_key, policy, start_after) is what pg-boss's own SQL relies on too.
const BOSS_SCHEMA = 'pgboss'

export interface OrphanQuery {
  queue: string
  /** the states a booking waits in for a seat */
  openStates: readonly AssignmentState[]
  /** only bookings created before this (an intake committing right now already has its job) */
  createdBefore: Date
  limit: number
}

/**
 * Open bookings with no live job (created, retry or active) on the queue: the sweep sends each of
 * them one. A live job is looked up by singleton key (the booking id) the way the stately queue's
 * unique index job_i3 stores it, coalesce and policy included, so the lookup is an index probe.
 */
export async function findBookingsWithoutLiveJob(db: SqlExecutor, query: OrphanQuery): Promise<string[]> {
  const { rows } = await db.executeSql(
    `select b.id::text as id
       from bookings b
      where b.status = 'pending_allocation'
        and b.assignment_state::text in (select jsonb_array_elements_text($1::jsonb))
        and b.created_at < $2::timestamptz
        and not exists (
              select 1 from ${BOSS_SCHEMA}.job j
               where j.name = $3 and coalesce(j.singleton_key, '') = b.id::text
                 and j.state <= 'active' and j.policy = 'stately')
      order by b.created_at
      limit $4::int`,
    [JSON.stringify(query.openStates), query.createdBefore.toISOString(), query.queue, query.limit],
  )
  return rows.map((row) => String(row.id))
}

/**
 * Makes a booking's waiting job due now. The first job is written with the booking, due after the
 * inline deadline so the two never work on one booking at once; when the inline attempt ends
 * without a seat, intake calls this so the job starts at once. Returns false when no job was
 * waiting (already running, or the booking had none).
 */
export async function makeJobDueNow(db: SqlExecutor, queue: string, jobId: string): Promise<boolean> {
  const { rows } = await db.executeSql(
    `update ${BOSS_SCHEMA}.job set start_after = now()
      where name = $1 and id = $2::uuid and state = 'created' and start_after > now()
  returning id`,
    [queue, jobId],
  )
  return rows.length > 0
}

/**
 * Clears auto_assign_last_result written before `olderThan` (the rollout plan's revert path: no
 * stale guidance once the retry policy is switched off). At most `limit` rows per call, so a
 * large backlog is worked off in short statements. Returns how many were cleared.
 */
export async function purgeStaleAutoAssignResults(db: SqlExecutor, olderThan: Date, limit: number): Promise<number> {
  const { rows } = await db.executeSql(
    `with stale as (
       select id from bookings
        where auto_assign_last_result is not null
          and (auto_assign_last_result->>'at')::timestamptz < $1::timestamptz
        limit $2::int
        for update skip locked
     )
     update bookings b set auto_assign_last_result = null
       from stale where b.id = stale.id
   returning b.id`,
    [olderThan.toISOString(), limit],
  )
  return rows.length
}
