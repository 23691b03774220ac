import { z } from 'zod'

/**
 * The filters every metric page takes in its URL (docs/api.md, "Pages"): a window (or from/to), a
 * restaurant and a pipeline, so a link reproduces what someone saw. Anything missing or unknown
 * falls back to the default instead of failing; a from/to pair overrides the window.
 */
export const DASHBOARD_WINDOWS = {
  '1h': { label: 'Last hour', seconds: 3_600, bucketSeconds: 60 },
  '6h': { label: 'Last 6 hours', seconds: 6 * 3_600, bucketSeconds: 5 * 60 },
  '24h': { label: 'Last 24 hours', seconds: 24 * 3_600, bucketSeconds: 3_600 },
  '7d': { label: 'Last 7 days', seconds: 7 * 86_400, bucketSeconds: 6 * 3_600 },
  '30d': { label: 'Last 30 days', seconds: 30 * 86_400, bucketSeconds: 86_400 },
} as const
export type DashboardWindow = keyof typeof DASHBOARD_WINDOWS

export const PIPELINE_OPTIONS = { '': 'All pipelines', legacy: 'Legacy', v3: 'V3 coordinator' } as const
export type PipelineFilter = keyof typeof PIPELINE_OPTIONS

const windowKeys = Object.keys(DASHBOARD_WINDOWS) as [DashboardWindow, ...DashboardWindow[]]
const isoDate = z
  .string()
  .trim()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'not a date')

export const dashboardFilterSchema = z.object({
  window: z.enum(windowKeys).catch('24h'),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  /** a restaurant slug, or '' for every restaurant */
  restaurant: z
    .string()
    .trim()
    .max(100)
    .regex(/^[a-z0-9-]*$/)
    .catch(''),
  pipeline: z.enum(['', 'legacy', 'v3']).catch(''),
})
export type DashboardFilters = z.infer<typeof dashboardFilterSchema>

export function parseDashboardFilters(searchParams: URLSearchParams, defaultWindow: DashboardWindow = '24h') {
  const parsed = dashboardFilterSchema.parse({
    window: searchParams.get('window') ?? defaultWindow,
    from: searchParams.get('from') || undefined,
    to: searchParams.get('to') || undefined,
    restaurant: searchParams.get('restaurant') ?? undefined,
    pipeline: searchParams.get('pipeline') ?? undefined,
  })
  // a custom range needs both ends, in order
  if (!parsed.from || !parsed.to || Date.parse(parsed.from) >= Date.parse(parsed.to)) {
    return { ...parsed, from: undefined, to: undefined }
  }
  return parsed
}

/** The query string of some filters (plus page-specific extras), defaults left out. */
export function dashboardSearch(filters: DashboardFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams()
  if (filters.from && filters.to) {
    params.set('from', filters.from)
    params.set('to', filters.to)
  } else params.set('window', filters.window)
  if (filters.restaurant) params.set('restaurant', filters.restaurant)
  if (filters.pipeline) params.set('pipeline', filters.pipeline)
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value)
  return params.toString()
}

/** The time range the filters mean now, with a bucket that gives a readable number of points. */
export function resolveRange(filters: DashboardFilters, now: Date): { from: Date; to: Date; bucketSeconds: number } {
  if (filters.from && filters.to) {
    const from = new Date(filters.from)
    const to = new Date(filters.to)
    const seconds = (to.getTime() - from.getTime()) / 1000
    const bucketSeconds =
      seconds <= 2 * 3_600 ? 60 : seconds <= 12 * 3_600 ? 300 : seconds <= 3 * 86_400 ? 3_600 : 86_400
    return { from, to, bucketSeconds }
  }
  const window = DASHBOARD_WINDOWS[filters.window]
  // The start on a whole minute (a whole hour for windows of days, whose start is older than the
  // two days minute rollups are kept): the window's first bucket then comes from rollups, not
  // from raw events.
  const align = window.seconds >= 3 * 86_400 ? 3_600_000 : 60_000
  const from = Math.floor((now.getTime() - window.seconds * 1000) / align) * align
  return { from: new Date(from), to: now, bucketSeconds: window.bucketSeconds }
}

/** Human words for the range: "last 24 hours" or the two dates. */
export function rangeLabel(filters: DashboardFilters): string {
  if (filters.from && filters.to) return `${filters.from} to ${filters.to}`
  return DASHBOARD_WINDOWS[filters.window].label.toLowerCase()
}
