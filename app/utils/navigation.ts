import type { PermissionString } from './permissions.ts'
import { userHasPermission } from './permissions.ts'

export interface NavItem {
  to: string
  label: string
  /** null: every signed-in user */
  permission: PermissionString | null
  description: string
  /** a live count beside the link: a resource route answering { count } */
  count?: { source: string; label: string }
}

export interface NavSection {
  title: string
  items: NavItem[]
}

/** Every page of the control plane (docs/api.md, "Pages"; plus user administration) and the permission it needs. */
export const NAV_SECTIONS: NavSection[] = [
  {
    title: 'Dashboards',
    items: [
      { to: '/', label: 'Overview', permission: null, description: 'Restaurants and what you can do here' },
      {
        to: '/percentiles',
        label: 'Latency',
        permission: 'read:dashboard:any',
        description: 'Planner and inline auto-assign percentiles',
      },
      {
        to: '/attempts',
        label: 'Attempts',
        permission: 'read:dashboard:any',
        description: 'Job attempts per booking and time to success',
      },
      {
        to: '/reasons',
        label: 'Reasons',
        permission: 'read:dashboard:any',
        description: 'Why bookings were not seated',
      },
      {
        to: '/shadow',
        label: 'Shadow',
        permission: 'read:dashboard:any',
        description: 'Pipeline V3 against the legacy pipeline',
      },
      { to: '/alerts', label: 'Alerts', permission: 'read:dashboard:any', description: 'Thresholds that were crossed' },
    ],
  },
  {
    title: 'Operations',
    items: [
      {
        to: '/review',
        label: 'Manual review',
        permission: 'read:review:any',
        description: 'Bookings the engine could not seat',
        count: { source: '/resources/review-count', label: 'waiting' },
      },
      { to: '/events', label: 'Events', permission: 'read:event:any', description: 'Raw engine telemetry' },
    ],
  },
  {
    title: 'Control',
    items: [
      {
        to: '/flags',
        label: 'Feature flags',
        permission: 'read:flag:any',
        description: 'Per-restaurant flags and ramps',
      },
    ],
  },
  {
    title: 'Administration',
    items: [
      { to: '/users', label: 'Users', permission: 'read:user:any', description: 'People, roles and permissions' },
    ],
  },
]

/** The sections and items this user may use; empty sections are dropped. */
export function navigationFor(user: { permissions: readonly string[] }): NavSection[] {
  return NAV_SECTIONS.map((section) => ({
    ...section,
    items: section.items.filter((item) => userHasPermission(user, item.permission)),
  })).filter((section) => section.items.length > 0)
}
