import crypto from 'node:crypto'
import type { Database, Executor } from '../db/client.ts'
import {
  deleteDeadSessions,
  deleteSession,
  deleteUserSessions,
  findActiveUser,
  findSessionUserId,
  findUserByEmail,
  insertSession,
  listRoles,
  listUserGrants,
  replaceUserRoles,
  touchSession,
  upsertUser,
} from '../db/queries/auth.ts'
import { clearAccountLoginFailures } from '../db/queries/login-failures.ts'
import { permissions, rolePermissions, roles } from '../db/schema/auth.ts'
import { AppError } from '../errors.ts'
import { createLoginThrottle, type LoginThrottlePolicy } from './login-throttle.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { PERMISSIONS, ROLE_PERMISSIONS, type PermissionString } from './roles.ts'

/**
 * Session lifetimes (OWASP ASVS 3.3.1-3.3.2, level 2): a session ends 12 hours after sign-in
 * whatever happens, and after 30 minutes without a request.
 */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
export const SESSION_IDLE_MS = 30 * 60 * 1000

export interface SessionUser {
  id: string
  email: string
  name: string
  roles: string[]
  permissions: PermissionString[]
}

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date }
  | { ok: false; reason: 'invalid'; message: string }
  | { ok: false; reason: 'throttled'; message: string; retryAfterSeconds: number }

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')
const normaliseEmail = (email: string) => email.trim().toLowerCase()

/**
 * Adds roles and permissions declared in server/auth/roles.ts that the database lacks. Migration
 * 0007 seeds the baseline; this reconciles later additions at every start. Never removes grants.
 */
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

/**
 * Creates the user or resets it (name, password, re-enabled) and makes its roles exactly `roles`.
 * A reset ends the user's sessions (ASVS 3.3.3), so changed privileges or a new password never
 * ride on a session issued before them; the user signs in again and gets a new session id. It
 * also lifts the account's sign-in lock (the throttle message tells locked-out users to ask).
 */
export async function createUser(
  db: Database,
  input: { email: string; name?: string; password: string | null; roles: string[] },
): Promise<string> {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  return db.transaction(async (tx) => {
    const known = await listRoles(tx)
    const unknown = input.roles.filter((name) => !known.some((role) => role.name === name))
    if (unknown.length > 0) {
      throw new AppError(
        'UNKNOWN_ROLE',
        `Unknown role(s) ${unknown.join(', ')}; use one of ${known.map((role) => role.name).join(', ')}`,
      )
    }
    const userId = await upsertUser(tx, { email: normaliseEmail(input.email), name: input.name, passwordHash })
    const roleIds = known.filter((role) => input.roles.includes(role.name)).map((role) => role.id)
    await replaceUserRoles(tx, userId, roleIds)
    await deleteUserSessions(tx, userId)
    // an admin just set a new password: the account's sign-in lock has served its purpose
    await clearAccountLoginFailures(tx, normaliseEmail(input.email))
    return userId
  })
}

/**
 * Sets a user's roles (e.g. from an admin page). When that changes anything the user's sessions
 * end: privileges never change under a session issued before the change. Returns whether it did.
 */
export async function changeUserRoles(db: Database, userId: string, roleNames: string[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const known = await listRoles(tx)
    const unknown = roleNames.filter((name) => !known.some((role) => role.name === name))
    if (unknown.length > 0) throw new AppError('UNKNOWN_ROLE', `Unknown role(s) ${unknown.join(', ')}`)
    const changed = await replaceUserRoles(
      tx,
      userId,
      known.filter((role) => roleNames.includes(role.name)).map((role) => role.id),
    )
    if (changed) await deleteUserSessions(tx, userId)
    return changed
  })
}

export interface AuthServiceOptions {
  now?: () => Date
  throttle?: Partial<LoginThrottlePolicy>
  idleMs?: number
  ttlMs?: number
}

export function createAuthService(db: Database, options: AuthServiceOptions = {}) {
  const now = options.now ?? (() => new Date())
  const idleMs = options.idleMs ?? SESSION_IDLE_MS
  const ttlMs = options.ttlMs ?? SESSION_TTL_MS
  const throttle = createLoginThrottle(db, { policy: options.throttle, now })

  async function loadSessionUser(userId: string): Promise<SessionUser | null> {
    const user = await findActiveUser(db, userId)
    if (!user) return null
    const grants = await listUserGrants(db, userId)
    const roleNames = [...new Set(grants.map((grant) => grant.role))].sort()
    const permissionSet = new Set<PermissionString>()
    for (const grant of grants) {
      if (grant.action) permissionSet.add(`${grant.action}:${grant.entity}:${grant.access}` as PermissionString)
    }
    return { id: user.id, email: user.email, name: user.name, roles: roleNames, permissions: [...permissionSet].sort() }
  }

  return {
    throttle,
    /**
     * Checks the throttle, then the password. On success issues a new session token (for the
     * cookie) and ends `replacing`, the session the browser presented, if any: a session id is
     * never carried across a sign-in (no fixation).
     */
    async signIn(
      email: string,
      password: string,
      context: { clientIp: string; replacing?: string | null },
    ): Promise<SignInResult> {
      const account = normaliseEmail(email)
      const decision = await throttle.begin(account, context.clientIp)
      if (!decision.allowed) {
        return {
          ok: false,
          reason: 'throttled',
          message: decision.message,
          retryAfterSeconds: decision.retryAfterSeconds,
        }
      }
      const user = await findUserByEmail(db, account)
      // Hash anyway when the user is unknown so timing does not reveal which emails exist.
      const passwordOk = user?.passwordHash
        ? await verifyPassword(password, user.passwordHash)
        : (await hashPassword(password), false)
      // a wrong password leaves the attempt's row in place: that row is the recorded failure
      if (!user || !passwordOk || user.disabledAt) {
        return { ok: false, reason: 'invalid', message: 'Email or password is incorrect.' }
      }
      await throttle.succeeded(decision.attemptId, account)
      if (context.replacing) await deleteSession(db, hashToken(context.replacing))
      const token = crypto.randomBytes(32).toString('base64url')
      const at = now()
      const expiresAt = new Date(at.getTime() + ttlMs)
      await insertSession(db, { id: hashToken(token), userId: user.id, expiresAt, now: at })
      await deleteDeadSessions(db, { userId: user.id, now: at, idleCutoff: new Date(at.getTime() - idleMs) })
      return { ok: true, token, expiresAt }
    },
    /** The session's user, or null when the session is unknown, expired, idle too long or disabled. */
    async getSessionUser(token: string | undefined | null): Promise<SessionUser | null> {
      if (!token) return null
      const at = now()
      const userId = await touchSession(db, {
        id: hashToken(token),
        now: at,
        idleCutoff: new Date(at.getTime() - idleMs),
      })
      return userId ? loadSessionUser(userId) : null
    },
    async signOut(token: string | undefined | null): Promise<void> {
      if (token) await deleteSession(db, hashToken(token))
    },
    /** Ends every session of the token's user (all browsers and devices); returns how many. */
    async signOutEverywhere(token: string | undefined | null): Promise<number> {
      if (!token) return 0
      const userId = await findSessionUserId(db, hashToken(token))
      return userId ? deleteUserSessions(db, userId) : 0
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
