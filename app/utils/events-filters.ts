import { z } from 'zod'

/** The event explorer's URL: type, restaurant, booking, since, limit. Bad values fall back to none. */
export const eventFilterSchema = z.object({
  type: z
    .string()
    .trim()
    .regex(/^[a-z_.]{0,100}$/)
    .catch(''),
  restaurant: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{0,100}$/)
    .catch(''),
  booking: z.string().trim().uuid().or(z.literal('')).catch(''),
  since: z
    .string()
    .trim()
    .max(40)
    .refine((v) => v === '' || !Number.isNaN(Date.parse(v)))
    .catch(''),
  limit: z.coerce.number().int().min(10).max(500).catch(100),
})
export type EventFilters = z.infer<typeof eventFilterSchema>

export function parseEventFilters(searchParams: URLSearchParams): EventFilters {
  return eventFilterSchema.parse({
    type: searchParams.get('type') ?? '',
    restaurant: searchParams.get('restaurant') ?? '',
    booking: searchParams.get('booking') ?? '',
    since: searchParams.get('since') ?? '',
    limit: searchParams.get('limit') ?? 100,
  })
}

export function eventSearch(filters: EventFilters): string {
  const params = new URLSearchParams()
  for (const key of ['type', 'restaurant', 'booking', 'since'] as const) if (filters[key]) params.set(key, filters[key])
  if (filters.limit !== 100) params.set('limit', String(filters.limit))
  return params.toString()
}
