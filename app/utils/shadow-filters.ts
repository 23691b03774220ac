import { z } from 'zod'
import { dashboardSearch, parseDashboardFilters, type DashboardFilters } from './dashboard-filters.ts'

/** The /shadow page's kinds (server/assignment/vocabulary.ts MISMATCH_KINDS), with labels people read. */
export const MISMATCH_LABELS = {
  different_tables: 'Different tables',
  different_zone: 'Different zone',
  legacy_seated_v3_not: 'Legacy seated, V3 not',
  v3_seated_legacy_not: 'V3 seated, legacy not',
  error: 'V3 error or timeout',
} as const
export type MismatchKindFilter = keyof typeof MISMATCH_LABELS

export interface ShadowPageFilters extends DashboardFilters {
  match: 'all' | 'true' | 'false'
  kind: MismatchKindFilter | ''
  /** a booking whose timeline is open */
  booking: string
}

const kinds = Object.keys(MISMATCH_LABELS) as [MismatchKindFilter, ...MismatchKindFilter[]]

/** The dashboard filters plus the page's own; anything unknown falls back to its default. */
export function parseShadowFilters(searchParams: URLSearchParams): ShadowPageFilters {
  return {
    ...parseDashboardFilters(searchParams),
    pipeline: '',
    match: z
      .enum(['all', 'true', 'false'])
      .catch('false')
      .parse(searchParams.get('match') ?? 'false'),
    kind: z
      .enum(kinds)
      .or(z.literal(''))
      .catch('')
      .parse(searchParams.get('kind') ?? ''),
    booking: z
      .string()
      .uuid()
      .catch('')
      .parse(searchParams.get('booking') ?? ''),
  }
}

export function shadowSearch(filters: ShadowPageFilters, extra: Record<string, string | undefined> = {}): string {
  return dashboardSearch(filters, {
    match: filters.match === 'false' ? undefined : filters.match,
    kind: filters.kind || undefined,
    booking: filters.booking || undefined,
    ...extra,
  })
}
