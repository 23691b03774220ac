import { and, desc, eq, gte, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { observabilityEvents } from '../schema/observability.ts'

export async function listEvents(
  db: Executor,
  filter: { type?: string; bookingId?: string; restaurantId?: string; since?: Date; limit: number },
) {
  const conditions: SQL[] = []
  if (filter.type) conditions.push(eq(observabilityEvents.eventType, filter.type))
  if (filter.bookingId) conditions.push(eq(observabilityEvents.bookingId, filter.bookingId))
  if (filter.restaurantId) conditions.push(eq(observabilityEvents.restaurantId, filter.restaurantId))
  if (filter.since) conditions.push(gte(observabilityEvents.occurredAt, filter.since))
  return db
    .select()
    .from(observabilityEvents)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(observabilityEvents.occurredAt), desc(observabilityEvents.id))
    .limit(filter.limit)
}
