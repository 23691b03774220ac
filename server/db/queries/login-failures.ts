import { and, desc, eq, gt, lt, or } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { loginFailures } from '../schema/login-throttle.ts'

/**
 * Reserves a row for a sign-in attempt before its password is checked, and drops this account's
 * and address's rows that left the window. The row counts as a failure unless the attempt
 * succeeds (deleteLoginAttempt): concurrent guesses see each other's rows, so a burst of parallel
 * requests cannot all slip under the limit before any of them is recorded.
 */
export async function reserveLoginAttempt(
  db: Executor,
  input: { account: string; clientIp: string; at: Date; purgeBefore: Date },
): Promise<number> {
  const [row] = await db
    .insert(loginFailures)
    .values({ account: input.account, clientIp: input.clientIp, failedAt: input.at })
    .returning({ id: loginFailures.id })
  await db
    .delete(loginFailures)
    .where(
      and(
        or(eq(loginFailures.account, input.account), eq(loginFailures.clientIp, input.clientIp)),
        lt(loginFailures.failedAt, input.purgeBefore),
      ),
    )
  return row!.id
}

/**
 * The newest failures (newest first, at most `limit`) of one account and of one client address
 * since `since`, among attempts reserved before `beforeId` (in a burst the first ones go ahead, the
 * rest are refused). Both lookups ride on their
 * (key, failed_at) index; `limit` is the throttle's threshold, so a flood never reads more rows.
 */
export async function recentLoginFailures(
  db: Executor,
  input: { account: string; clientIp: string; since: Date; limit: number; beforeId: number },
): Promise<{ account: Date[]; clientIp: Date[] }> {
  const byAccount = await db
    .select({ failedAt: loginFailures.failedAt })
    .from(loginFailures)
    .where(
      and(
        eq(loginFailures.account, input.account),
        gt(loginFailures.failedAt, input.since),
        lt(loginFailures.id, input.beforeId),
      ),
    )
    .orderBy(desc(loginFailures.failedAt))
    .limit(input.limit)
  const byIp = await db
    .select({ failedAt: loginFailures.failedAt })
    .from(loginFailures)
    .where(
      and(
        eq(loginFailures.clientIp, input.clientIp),
        gt(loginFailures.failedAt, input.since),
        lt(loginFailures.id, input.beforeId),
      ),
    )
    .orderBy(desc(loginFailures.failedAt))
    .limit(input.limit)
  return { account: byAccount.map((row) => row.failedAt), clientIp: byIp.map((row) => row.failedAt) }
}

/** A refused or successful attempt is not a failure: its reserved row goes. */
export async function deleteLoginAttempt(db: Executor, id: number): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.id, id))
}

/** A successful sign-in forgives the account's failures (not the address's: one client may guess many accounts). */
export async function clearAccountLoginFailures(db: Executor, account: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.account, account))
}
