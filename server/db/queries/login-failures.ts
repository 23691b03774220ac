import { and, desc, eq, gt, lt, or } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { loginFailures } from '../schema/login-throttle.ts'

/**
 * The newest failures (newest first, at most `limit`) of one account and of one client address
 * since `since`. Both lookups ride on their (key, failed_at) index; `limit` is the throttle's
 * threshold, so a flood of failures never makes the check read more rows.
 */
export async function recentLoginFailures(
  db: Executor,
  input: { account: string; clientIp: string; since: Date; limit: number },
): Promise<{ account: Date[]; clientIp: Date[] }> {
  const [byAccount, byIp] = await Promise.all([
    db
      .select({ failedAt: loginFailures.failedAt })
      .from(loginFailures)
      .where(and(eq(loginFailures.account, input.account), gt(loginFailures.failedAt, input.since)))
      .orderBy(desc(loginFailures.failedAt))
      .limit(input.limit),
    db
      .select({ failedAt: loginFailures.failedAt })
      .from(loginFailures)
      .where(and(eq(loginFailures.clientIp, input.clientIp), gt(loginFailures.failedAt, input.since)))
      .orderBy(desc(loginFailures.failedAt))
      .limit(input.limit),
  ])
  return { account: byAccount.map((row) => row.failedAt), clientIp: byIp.map((row) => row.failedAt) }
}

/** Records a failure and drops this account's and address's rows that left the window. */
export async function recordLoginFailure(
  db: Executor,
  input: { account: string; clientIp: string; at: Date; purgeBefore: Date },
): Promise<void> {
  await db.insert(loginFailures).values({ account: input.account, clientIp: input.clientIp, failedAt: input.at })
  await db
    .delete(loginFailures)
    .where(
      and(
        or(eq(loginFailures.account, input.account), eq(loginFailures.clientIp, input.clientIp)),
        lt(loginFailures.failedAt, input.purgeBefore),
      ),
    )
}

/** A successful sign-in forgives the account's failures (not the address's: one client may guess many accounts). */
export async function clearAccountLoginFailures(db: Executor, account: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.account, account))
}
