import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * One row per periodic task: the process that holds the lease runs the task until the lease
 * expires; a process that dies stops renewing it and another takes over (server/scheduling).
 */
export const schedulerLeases = pgTable('scheduler_leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  lastRunAt: timestamp('last_run_at', { withTimezone: true }),
})

export type SchedulerLease = typeof schedulerLeases.$inferSelect
