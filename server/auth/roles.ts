/** Permissions are action:entity:access (Epic Stack style). */
export const PERMISSIONS = [
  'read:dashboard:any',
  'read:event:any',
  'read:review:any',
  'update:review:any',
  'read:flag:any',
  'update:flag:any',
  'update:restaurant:any',
  'read:user:any',
] as const
export type PermissionString = (typeof PERMISSIONS)[number]

export const ROLE_PERMISSIONS: Record<string, { description: string; permissions: PermissionString[] }> = {
  ops: {
    description: 'Watches the dashboards and alerts',
    permissions: ['read:dashboard:any', 'read:event:any', 'read:review:any', 'read:flag:any'],
  },
  staff: {
    description: 'Resolves the manual-review queue',
    permissions: ['read:review:any', 'update:review:any'],
  },
  engineer: {
    description: 'Ramps feature flags and reads telemetry',
    permissions: ['read:dashboard:any', 'read:event:any', 'read:review:any', 'read:flag:any', 'update:flag:any'],
  },
  admin: { description: 'Everything', permissions: [...PERMISSIONS] },
}
