import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * One row per failed sign-in, kept for the throttle window only. In the database (not in memory)
 * so the limit holds across restarts and across every process serving the same install.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** the email as typed, trimmed and lower-cased (also for accounts that do not exist) */
    account: text('account').notNull(),
    clientIp: text('client_ip').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('login_failures_account_idx').on(t.account, t.failedAt),
    index('login_failures_ip_idx').on(t.clientIp, t.failedAt),
  ],
)

export type LoginFailure = typeof loginFailures.$inferSelect
