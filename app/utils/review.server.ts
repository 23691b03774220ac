import type { AppLoadContext } from '@remix-run/node'
import { z } from 'zod'
import type { SessionUser } from '../../server/auth/auth-service.ts'
import type { ReviewActor, ReviewBooking } from '../../server/review/review-types.ts'
import { userHasPermission } from './permissions.ts'

const queueFiltersSchema = z.object({
  restaurant: z
    .string()
    .trim()
    .max(100)
    .regex(/^[a-z0-9-]*$/)
    .optional()
    .catch(undefined),
})

export type QueueFilters = z.infer<typeof queueFiltersSchema>

/** The queue's URL filters; anything unusable is dropped rather than failing the page. */
export function parseQueueFilters(params: URLSearchParams): QueueFilters {
  const parsed = queueFiltersSchema.parse({ restaurant: params.get('restaurant') ?? undefined })
  return { restaurant: parsed.restaurant || undefined }
}

export interface QueueGroup {
  restaurant: { slug: string; name: string }
  services: Array<{ key: string; label: string; bookings: ReviewBooking[] }>
}

export interface QueuePayload {
  filters: QueueFilters
  count: number
  groups: QueueGroup[]
  restaurants: Array<{ slug: string; name: string }>
  canAct: boolean
  /** epoch ms: waiting times are counted up to this, so server and browser print the same */
  generatedAt: number
}

/** Groups the queue (already most urgent first) by restaurant, then service, keeping that order. */
export function groupQueue(bookings: ReviewBooking[]): QueueGroup[] {
  const groups: QueueGroup[] = []
  for (const booking of bookings) {
    let group = groups.find((g) => g.restaurant.slug === booking.restaurant)
    if (!group) {
      group = { restaurant: { slug: booking.restaurant, name: booking.restaurantName }, services: [] }
      groups.push(group)
    }
    let service = group.services.find((s) => s.key === booking.service.key)
    if (!service) {
      service = { key: booking.service.key, label: booking.service.label, bookings: [] }
      group.services.push(service)
    }
    service.bookings.push(booking)
  }
  return groups
}

export async function loadReviewQueue(
  context: AppLoadContext,
  user: SessionUser,
  filters: QueueFilters,
): Promise<QueuePayload> {
  const [bookings, restaurants] = await Promise.all([
    context.engine.review.queue({ restaurantSlug: filters.restaurant }),
    context.engine.restaurants.list(),
  ])
  return {
    filters,
    count: bookings.length,
    groups: groupQueue(bookings),
    restaurants: restaurants.map((r) => ({ slug: r.slug, name: r.name })),
    canAct: userHasPermission(user, 'update:review:any'),
    generatedAt: Date.now(),
  }
}

/** A signed-in person as the review actions record them. */
export function actorOf(user: SessionUser): ReviewActor {
  return { userId: user.id, name: user.name, id: `user:${user.email}` }
}

export interface ActionError {
  code: string
  message: string
}

/**
 * The engine's AppError (code, message, status) as an action answer. Matched by shape: app/
 * imports server modules only as types, so `instanceof` is not available here.
 */
export function asActionError(error: unknown): { error: ActionError; status: number } | null {
  if (!error || typeof error !== 'object') return null
  const candidate = error as { name?: unknown; code?: unknown; message?: unknown; status?: unknown }
  if (candidate.name !== 'AppError' || typeof candidate.code !== 'string' || typeof candidate.status !== 'number') {
    return null
  }
  return { error: { code: candidate.code, message: String(candidate.message) }, status: candidate.status }
}
