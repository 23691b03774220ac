import type { DatabaseHandle } from '../db/client.ts'

/** Named dashboard queries from sql/analytics/*.sql, each with zod schemas for params and rows. */
export function createAnalyticsService(database: DatabaseHandle) {
  void database
  return {}
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>
