import type { PermissionString } from '../../server/auth/roles.ts'

export type { PermissionString }

/** Works on the SessionUser from the server and on its serialized copy in the browser. */
export function userHasPermission(
  user: { permissions: readonly string[] } | null | undefined,
  permission: PermissionString | null,
): boolean {
  if (!user) return false
  return permission === null || user.permissions.includes(permission)
}
