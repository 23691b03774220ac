import { and, asc, eq, gt, isNull, lt, notInArray, or, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { permissions, rolePermissions, roles, sessions, userRoles, users } from '../schema/auth.ts'

export async function findUserByEmail(db: Executor, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1)
  return row
}

export async function insertSession(
  db: Executor,
  session: { id: string; userId: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insert(sessions)
    .values({ id: session.id, userId: session.userId, expiresAt: session.expiresAt, lastSeenAt: session.now })
}

/**
 * Marks a session as used now and returns its user, in one statement: the session must be within
 * its absolute lifetime, not idle since before `idleCutoff`, and its user not disabled. Anything
 * else returns undefined, so an expired, idle or revoked session is indistinguishable from none.
 */
export async function touchSession(
  db: Executor,
  input: { id: string; now: Date; idleCutoff: Date },
): Promise<string | undefined> {
  const [row] = await db
    .update(sessions)
    .set({ lastSeenAt: input.now })
    .where(
      and(
        eq(sessions.id, input.id),
        gt(sessions.expiresAt, input.now),
        gt(sessions.lastSeenAt, input.idleCutoff),
        sql`exists (select 1 from ${users} where ${users.id} = ${sessions.userId} and ${users.disabledAt} is null)`,
      ),
    )
    .returning({ userId: sessions.userId })
  return row?.userId
}

export async function findSessionUserId(db: Executor, id: string): Promise<string | undefined> {
  const [row] = await db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.id, id)).limit(1)
  return row?.userId
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id))
}

/** Every session of the user: sign-out everywhere, a disabled account, a change of roles. */
export async function deleteUserSessions(db: Executor, userId: string): Promise<number> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id })
  return rows.length
}

/** The user's sessions that can never be used again (expired or idle), purged at each sign-in. */
export async function deleteDeadSessions(
  db: Executor,
  input: { userId: string; now: Date; idleCutoff: Date },
): Promise<void> {
  await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, input.userId),
        or(lt(sessions.expiresAt, input.now), lt(sessions.lastSeenAt, input.idleCutoff)),
      ),
    )
}

export async function findActiveUser(db: Executor, userId: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1)
  return row
}

/** (role, permission) pairs of the user; permission fields are null for a role without any. */
export async function listUserGrants(db: Executor, userId: string) {
  return db
    .select({ role: roles.name, action: permissions.action, entity: permissions.entity, access: permissions.access })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .leftJoin(rolePermissions, eq(rolePermissions.roleId, roles.id))
    .leftJoin(permissions, eq(permissions.id, rolePermissions.permissionId))
    .where(eq(userRoles.userId, userId))
}

/**
 * Inserts or updates the user by email (lower-cased by the caller); a reset also re-enables it.
 * Without a name a new user is named after its email and an existing one keeps its name.
 */
export async function upsertUser(
  db: Executor,
  input: { email: string; name?: string; passwordHash: string | null },
): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ email: input.email, name: input.name ?? input.email.split('@')[0]!, passwordHash: input.passwordHash })
    .onConflictDoUpdate({
      target: users.email,
      set: { ...(input.name ? { name: input.name } : {}), passwordHash: input.passwordHash, disabledAt: null },
    })
    .returning({ id: users.id })
  if (!row) throw new Error(`upsert of user ${input.email} returned no row`)
  return row.id
}

export async function listRoles(db: Executor) {
  return db.select().from(roles).orderBy(asc(roles.name))
}

/** Makes the user's roles exactly `roleIds`; returns true when that changed anything. */
export async function replaceUserRoles(db: Executor, userId: string, roleIds: string[]): Promise<boolean> {
  const removed = await db
    .delete(userRoles)
    .where(and(eq(userRoles.userId, userId), roleIds.length > 0 ? notInArray(userRoles.roleId, roleIds) : sql`true`))
    .returning({ roleId: userRoles.roleId })
  const added =
    roleIds.length === 0
      ? []
      : await db
          .insert(userRoles)
          .values(roleIds.map((roleId) => ({ userId, roleId })))
          .onConflictDoNothing()
          .returning({ roleId: userRoles.roleId })
  return removed.length > 0 || added.length > 0
}

export async function disableUserByEmail(db: Executor, email: string, now: Date): Promise<string | undefined> {
  const [row] = await db
    .update(users)
    .set({ disabledAt: sql`coalesce(${users.disabledAt}, ${now})` })
    .where(eq(users.email, email))
    .returning({ id: users.id })
  return row?.id
}

/** Users with their role names, for `npm run user -- list`. */
export async function listUsersWithRoles(db: Executor) {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
      role: roles.name,
    })
    .from(users)
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .leftJoin(roles, eq(roles.id, userRoles.roleId))
    .orderBy(asc(users.email), asc(roles.name))
  const byId = new Map<
    string,
    { email: string; name: string; disabledAt: Date | null; createdAt: Date; roles: string[] }
  >()
  for (const row of rows) {
    const user = byId.get(row.id) ?? { ...row, roles: [] as string[] }
    if (row.role) user.roles.push(row.role)
    byId.set(row.id, user)
  }
  return [...byId.values()].map(({ email, name, disabledAt, createdAt, roles: roleNames }) => ({
    email,
    name,
    disabledAt,
    createdAt,
    roles: roleNames,
  }))
}
