import crypto from 'node:crypto'
import { and, eq, gt, lt } from 'drizzle-orm'
import type { Database, Executor } from '../db/client.ts'
import { permissions, rolePermissions, roles, sessions, userRoles, users } from '../db/schema/auth.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { PERMISSIONS, ROLE_PERMISSIONS, type PermissionString } from './roles.ts'

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

export interface SessionUser {
  id: string
  email: string
  name: string
  roles: string[]
  permissions: PermissionString[]
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** Creates roles and permissions when missing; safe to run on every start. */
export async function ensureRolesAndPermissions(db: Executor): Promise<void> {
  await db
    .insert(permissions)
    .values(
      PERMISSIONS.map((permission) => {
        const [action, entity, access] = permission.split(':') as [string, string, string]
        return { action, entity, access }
      }),
    )
    .onConflictDoNothing()
  await db
    .insert(roles)
    .values(Object.entries(ROLE_PERMISSIONS).map(([name, role]) => ({ name, description: role.description })))
    .onConflictDoNothing()
  const roleRows = await db.select().from(roles)
  const permissionRows = await db.select().from(permissions)
  const permissionId = new Map(permissionRows.map((row) => [`${row.action}:${row.entity}:${row.access}`, row.id]))
  const links = roleRows.flatMap((role) =>
    (ROLE_PERMISSIONS[role.name]?.permissions ?? []).map((permission) => ({
      roleId: role.id,
      permissionId: permissionId.get(permission)!,
    })),
  )
  if (links.length > 0) await db.insert(rolePermissions).values(links).onConflictDoNothing()
}

export async function createUser(
  db: Executor,
  input: { email: string; name: string; password: string | null; roles: string[] },
): Promise<string> {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  const [user] = await db
    .insert(users)
    .values({ email: input.email.toLowerCase(), name: input.name, passwordHash })
    .onConflictDoUpdate({ target: users.email, set: { name: input.name, passwordHash } })
    .returning({ id: users.id })
  const roleRows = await db.select().from(roles)
  const wanted = roleRows.filter((role) => input.roles.includes(role.name))
  if (wanted.length > 0) {
    await db
      .insert(userRoles)
      .values(wanted.map((role) => ({ userId: user!.id, roleId: role.id })))
      .onConflictDoNothing()
  }
  return user!.id
}

export function createAuthService(db: Database) {
  async function loadSessionUser(userId: string): Promise<SessionUser | null> {
    const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1)
    if (!user) return null
    const grants = await db
      .select({ role: roles.name, action: permissions.action, entity: permissions.entity, access: permissions.access })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .leftJoin(rolePermissions, eq(rolePermissions.roleId, roles.id))
      .leftJoin(permissions, eq(permissions.id, rolePermissions.permissionId))
      .where(eq(userRoles.userId, userId))
    const roleNames = [...new Set(grants.map((grant) => grant.role))].sort()
    const permissionSet = new Set<PermissionString>()
    for (const grant of grants) {
      if (grant.action) permissionSet.add(`${grant.action}:${grant.entity}:${grant.access}` as PermissionString)
    }
    return { id: user.id, email: user.email, name: user.name, roles: roleNames, permissions: [...permissionSet].sort() }
  }

  return {
    /** Returns the new session token (for the cookie) or null when the credentials are wrong. */
    async signIn(email: string, password: string): Promise<{ token: string; expiresAt: Date } | null> {
      const [user] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1)
      // Hash anyway when the user is unknown so timing does not reveal which emails exist.
      const ok = user?.passwordHash
        ? await verifyPassword(password, user.passwordHash)
        : (await hashPassword(password), false)
      if (!user || !ok) return null
      const token = crypto.randomBytes(32).toString('base64url')
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
      await db.insert(sessions).values({ id: hashToken(token), userId: user.id, expiresAt })
      await db.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, new Date())))
      return { token, expiresAt }
    },
    async getSessionUser(token: string | undefined | null): Promise<SessionUser | null> {
      if (!token) return null
      const [session] = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.id, hashToken(token)), gt(sessions.expiresAt, new Date())))
        .limit(1)
      if (!session) return null
      return loadSessionUser(session.userId)
    },
    async signOut(token: string | undefined | null): Promise<void> {
      if (token) await db.delete(sessions).where(eq(sessions.id, hashToken(token)))
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
