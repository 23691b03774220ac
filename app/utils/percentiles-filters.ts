import { z } from 'zod'

/** Time windows of the latency dashboard, each with a bucket size that gives 60–96 points. */
export const PERCENTILE_WINDOWS = {
  '1h': { label: 'Last hour', seconds: 3_600, bucketSeconds: 60 },
  '6h': { label: 'Last 6 hours', seconds: 6 * 3_600, bucketSeconds: 5 * 60 },
  '24h': { label: 'Last 24 hours', seconds: 24 * 3_600, bucketSeconds: 15 * 60 },
  '7d': { label: 'Last 7 days', seconds: 7 * 24 * 3_600, bucketSeconds: 2 * 3_600 },
} as const
export type PercentileWindow = keyof typeof PERCENTILE_WINDOWS

export const PERCENTILE_TRIGGERS = {
  all: 'All callers',
  inline: 'Inline (booking request)',
  job: 'Background job',
} as const
export type PercentileTrigger = keyof typeof PERCENTILE_TRIGGERS

const windowKeys = Object.keys(PERCENTILE_WINDOWS) as [PercentileWindow, ...PercentileWindow[]]
const triggerKeys = Object.keys(PERCENTILE_TRIGGERS) as [PercentileTrigger, ...PercentileTrigger[]]

/**
 * The GET form's query string (?window=&restaurant=&trigger=). Used by the page loader and the
 * resource route alike; anything missing or unknown falls back to the default instead of failing.
 */
export const percentilesFilterSchema = z.object({
  window: z.enum(windowKeys).catch('1h'),
  /** a restaurant slug, or '' for every restaurant */
  restaurant: z
    .string()
    .trim()
    .max(100)
    .regex(/^[a-z0-9-]*$/)
    .catch(''),
  trigger: z.enum(triggerKeys).catch('all'),
})
export type PercentilesFilters = z.infer<typeof percentilesFilterSchema>

export function parsePercentilesFilters(searchParams: URLSearchParams): PercentilesFilters {
  return percentilesFilterSchema.parse({
    window: searchParams.get('window') ?? undefined,
    restaurant: searchParams.get('restaurant') ?? undefined,
    trigger: searchParams.get('trigger') ?? undefined,
  })
}

export function percentilesSearch(filters: PercentilesFilters): string {
  const params = new URLSearchParams({ window: filters.window, trigger: filters.trigger })
  if (filters.restaurant) params.set('restaurant', filters.restaurant)
  return params.toString()
}
