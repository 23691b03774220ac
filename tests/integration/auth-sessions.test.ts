import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, eq } from 'drizzle-orm'
import {
  changeUserRoles,
  createAuthService,
  createUser,
  SESSION_IDLE_MS,
  SESSION_TTL_MS,
} from '../../server/auth/auth-service.ts'
import { DEFAULT_LOGIN_THROTTLE } from '../../server/auth/login-throttle.ts'
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../server/auth/roles.ts'
import { openDatabase } from '../../server/db/client.ts'
import { applyMigrations } from '../../server/db/migrate.ts'
import { loginFailures } from '../../server/db/schema/login-throttle.ts'
import { sessions } from '../../server/db/schema/auth.ts'
import { createFreshDatabaseUrl } from '../helpers/test-database.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const PASSWORD = 'correct horse battery staple'
const here = { clientIp: '203.0.113.7' }

/** role -> sorted permissions, as the database holds them */
async function grantsInDatabase(executeSql: (text: string) => Promise<{ rows: Record<string, unknown>[] }>) {
  const { rows } = await executeSql(
    `select r.name as role, p.action || ':' || p.entity || ':' || p.access as permission
       from roles r left join role_permissions rp on rp.role_id = r.id left join permissions p on p.id = rp.permission_id
      order by 1, 2`,
  )
  const grants: Record<string, string[]> = {}
  for (const row of rows) {
    const list = (grants[row.role as string] ??= [])
    if (row.permission) list.push(row.permission as string)
  }
  return grants
}

const expectedGrants = () =>
  Object.fromEntries(Object.entries(ROLE_PERMISSIONS).map(([role, { permissions }]) => [role, [...permissions].sort()]))

describe('roles and permissions in production', () => {
  it('exist after the migrations alone, exactly as server/auth/roles.ts declares them', async () => {
    const fresh = await createFreshDatabaseUrl()
    const handle = await openDatabase({ databaseUrl: fresh.url })
    try {
      await applyMigrations(handle)
      expect(await grantsInDatabase((text) => handle.executeSql(text))).toEqual(expectedGrants())
      const { rows } = await handle.executeSql('select count(*)::int as n from permissions')
      expect(rows[0]!.n).toBe(PERMISSIONS.length)
      const { rows: users } = await handle.executeSql('select count(*)::int as n from users')
      expect(users[0]!.n).toBe(0)
    } finally {
      await handle.close()
      await fresh.drop()
    }
  })
})

describe('sign-in, throttling and sessions', () => {
  let engine: TestEngine
  let clock = new Date('2031-03-01T09:00:00Z')
  const tick = (ms: number) => (clock = new Date(clock.getTime() + ms))
  beforeAll(async () => {
    engine = await createTestEngine({}, { now: () => clock, workers: false })
    await createUser(engine.db, { email: 'Ops@Example.com', name: 'Oli Ops', password: PASSWORD, roles: ['ops'] })
    await createUser(engine.db, { email: 'staff@example.com', name: 'Sam Staff', password: PASSWORD, roles: ['staff'] })
  })
  afterAll(() => engine.dispose())

  const signIn = async (
    email: string,
    password = PASSWORD,
    context: { clientIp: string; replacing?: string } = here,
  ) => {
    const result = await engine.auth.signIn(email, password, context)
    return result
  }
  const token = async (email: string) => {
    const result = await signIn(email)
    if (!result.ok) throw new Error(`${email}: ${result.message}`)
    return result.token
  }

  it('a production engine (no demo mode) signs in a provisioned user with its role', async () => {
    expect(engine.config.demo).toBe(false)
    const user = await engine.auth.getSessionUser(await token('ops@example.com'))
    expect(user).toMatchObject({ email: 'ops@example.com', roles: ['ops'] })
    expect(user!.permissions).toEqual([...ROLE_PERMISSIONS.ops!.permissions].sort())
  })

  it('throttles an account after 5 failures, even for the right password, with a time to wait', async () => {
    for (let attempt = 0; attempt < DEFAULT_LOGIN_THROTTLE.maxPerAccount; attempt++) {
      expect(await signIn('staff@example.com', 'wrong')).toMatchObject({ ok: false, reason: 'invalid' })
      tick(1_000)
    }
    const refused = await signIn('staff@example.com')
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' })
    if (refused.ok || refused.reason !== 'throttled') throw new Error('expected a throttle')
    expect(refused.retryAfterSeconds).toBeGreaterThan(14 * 60)
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(15 * 60)
    expect(refused.message).toMatch(/Too many failed sign-ins for this account\. Try again in 15 minutes/)
    // from another address too: the limit is the account's
    expect(await signIn('staff@example.com', PASSWORD, { clientIp: '198.51.100.1' })).toMatchObject({
      reason: 'throttled',
    })
    // a refused attempt is not counted again, and another process (a new service) sees the same limit
    const otherProcess = createAuthService(engine.db, { now: () => clock })
    expect(await otherProcess.signIn('staff@example.com', PASSWORD, here)).toMatchObject({ reason: 'throttled' })
    const stored = await engine.db
      .select({ n: count() })
      .from(loginFailures)
      .where(eq(loginFailures.account, 'staff@example.com'))
    expect(stored[0]!.n).toBe(DEFAULT_LOGIN_THROTTLE.maxPerAccount)
    tick(DEFAULT_LOGIN_THROTTLE.windowMs - 4_000)
    expect(await signIn('staff@example.com')).toMatchObject({ ok: true })
    // success forgives the account's failures
    expect(await signIn('staff@example.com', 'wrong')).toMatchObject({ reason: 'invalid' })
    expect(await signIn('staff@example.com')).toMatchObject({ ok: true })
  })

  it('counts parallel guesses against each other: a burst gets no more than the limit checked', async () => {
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => signIn('burst@example.com', 'wrong', { clientIp: '198.51.100.77' })),
    )
    const checked = burst.filter((result) => !result.ok && result.reason === 'invalid')
    expect(checked.length).toBeLessThanOrEqual(DEFAULT_LOGIN_THROTTLE.maxPerAccount)
    expect(burst.filter((result) => !result.ok && result.reason === 'throttled')).toHaveLength(12 - checked.length)
  })

  it('an admin reset of the password lifts the account lock', async () => {
    for (let attempt = 0; attempt < DEFAULT_LOGIN_THROTTLE.maxPerAccount; attempt++) {
      await signIn('locked@example.com', 'wrong')
    }
    await createUser(engine.db, { email: 'locked@example.com', password: PASSWORD, roles: ['ops'] })
    expect(await signIn('locked@example.com')).toMatchObject({ ok: true })
  })

  it('throttles one address guessing many accounts, unknown ones included, but not other addresses', async () => {
    const guesser = { clientIp: '192.0.2.99' }
    for (let attempt = 0; attempt < DEFAULT_LOGIN_THROTTLE.maxPerIp; attempt++) {
      expect(await signIn(`nobody-${attempt}@example.com`, 'guess', guesser)).toMatchObject({ reason: 'invalid' })
    }
    const refused = await signIn('ops@example.com', PASSWORD, guesser)
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' })
    expect(refused.ok ? '' : refused.message).toMatch(/from your network/)
    expect(await signIn('ops@example.com', PASSWORD, { clientIp: '192.0.2.100' })).toMatchObject({ ok: true })
  })

  it('ends a session after 30 idle minutes; requests keep it alive up to 12 hours', async () => {
    const idle = await token('ops@example.com')
    tick(SESSION_IDLE_MS + 1_000)
    expect(await engine.auth.getSessionUser(idle)).toBeNull()

    const busy = await token('ops@example.com')
    const signedInAt = clock.getTime()
    while (clock.getTime() - signedInAt < SESSION_TTL_MS - SESSION_IDLE_MS) {
      tick(SESSION_IDLE_MS - 60_000)
      expect(await engine.auth.getSessionUser(busy)).not.toBeNull()
    }
    tick(SESSION_IDLE_MS - 60_000)
    expect(clock.getTime() - signedInAt).toBeGreaterThan(SESSION_TTL_MS)
    expect(await engine.auth.getSessionUser(busy)).toBeNull()
  })

  it('rotates the session id on sign-in: the session the browser presented ends', async () => {
    const before = await token('ops@example.com')
    const after = await signIn('ops@example.com', PASSWORD, { ...here, replacing: before })
    if (!after.ok) throw new Error(after.message)
    expect(after.token).not.toBe(before)
    expect(await engine.auth.getSessionUser(before)).toBeNull()
    expect(await engine.auth.getSessionUser(after.token)).not.toBeNull()
  })

  it('a change of roles or password ends the sessions issued before it', async () => {
    const staffSession = await token('staff@example.com')
    await createUser(engine.db, { email: 'staff@example.com', name: 'Sam Staff', password: PASSWORD, roles: ['admin'] })
    expect(await engine.auth.getSessionUser(staffSession)).toBeNull()
    const fresh = await engine.auth.getSessionUser(await token('staff@example.com'))
    expect(fresh?.roles).toEqual(['admin'])
  })

  it('a role change from an admin page ends the sessions too; an unchanged set keeps them', async () => {
    const session = await token('ops@example.com')
    const user = await engine.auth.getSessionUser(session)
    expect(await changeUserRoles(engine.db, user!.id, ['ops'])).toBe(false)
    expect(await engine.auth.getSessionUser(session)).not.toBeNull()
    expect(await changeUserRoles(engine.db, user!.id, ['ops', 'engineer'])).toBe(true)
    expect(await engine.auth.getSessionUser(session)).toBeNull()
    expect((await engine.auth.getSessionUser(await token('ops@example.com')))?.roles).toEqual(['engineer', 'ops'])
  })

  it('signs out everywhere: every session of the user ends, other users keep theirs', async () => {
    const laptop = await token('ops@example.com')
    const phone = await token('ops@example.com')
    const someoneElse = await token('staff@example.com')
    expect(await engine.auth.signOutEverywhere(phone)).toBeGreaterThanOrEqual(2)
    expect(await engine.auth.getSessionUser(laptop)).toBeNull()
    expect(await engine.auth.getSessionUser(phone)).toBeNull()
    expect(await engine.auth.getSessionUser(someoneElse)).not.toBeNull()
    const left = await engine.db.select({ n: count() }).from(sessions)
    expect(left[0]!.n).toBeGreaterThanOrEqual(1)
  })
})
