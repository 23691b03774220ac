import { sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'

export interface LeaseClaim {
  /** the task's name, e.g. 'jobs.sweep' */
  name: string
  /** this process's scheduler id */
  owner: string
  /** how long the lease lasts without renewal */
  leaseMs: number
}

/**
 * Takes the task's lease, or renews it when this owner already holds it. Returns false while
 * another live owner holds it. One statement, so two processes racing for a free lease cannot
 * both win: the upsert's conflict branch only fires when the row's lease is ours or has expired,
 * and the database clock decides expiry, so processes with skewed clocks still agree.
 */
export async function claimLease(executor: Executor, claim: LeaseClaim): Promise<boolean> {
  const result = await executor.execute(sql`
    insert into scheduler_leases (name, owner, expires_at)
    values (${claim.name}, ${claim.owner}, now() + ${claim.leaseMs} * interval '1 millisecond')
    on conflict (name) do update
      set owner = excluded.owner, expires_at = excluded.expires_at
      where scheduler_leases.owner = excluded.owner or scheduler_leases.expires_at < now()
    returning owner`)
  return (result as unknown as { rows: unknown[] }).rows.length > 0
}

/** Stamps a finished run, fenced on the owner so a lost lease does not overwrite the new holder's row. */
export async function markLeaseRun(executor: Executor, claim: Pick<LeaseClaim, 'name' | 'owner'>): Promise<void> {
  await executor.execute(sql`
    update scheduler_leases set last_run_at = now()
     where name = ${claim.name} and owner = ${claim.owner}`)
}

/** Gives up every lease of this owner (clean shutdown), so another process takes over at once. */
export async function releaseLeases(executor: Executor, owner: string): Promise<void> {
  await executor.execute(sql`delete from scheduler_leases where owner = ${owner}`)
}
