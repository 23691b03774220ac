import { z } from 'zod'
import { dashboardSearch, parseDashboardFilters, type DashboardFilters } from './dashboard-filters.ts'

export const PERCENTILE_TRIGGERS = {
  all: 'All callers',
  inline: 'Inline (booking request)',
  job: 'Background job',
  coordinator: 'V3 coordinator',
} as const
export type PercentileTrigger = keyof typeof PERCENTILE_TRIGGERS

const triggerKeys = Object.keys(PERCENTILE_TRIGGERS) as [PercentileTrigger, ...PercentileTrigger[]]
const triggerSchema = z.enum(triggerKeys).catch('all')

/** The dashboard filters plus the planner caller; the last hour unless the URL says otherwise. */
export type PercentilesFilters = DashboardFilters & { trigger: PercentileTrigger }

export function parsePercentilesFilters(searchParams: URLSearchParams): PercentilesFilters {
  return {
    ...parseDashboardFilters(searchParams, '1h'),
    trigger: triggerSchema.parse(searchParams.get('trigger') ?? undefined),
  }
}

export function percentilesSearch(filters: PercentilesFilters): string {
  return dashboardSearch(filters, { trigger: filters.trigger })
}
