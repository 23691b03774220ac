import type { AppLoadContext } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action as bookingAction, loader as bookingLoader } from '../../app/routes/review.$bookingId.tsx'
import { loader as queueLoader } from '../../app/routes/review._index.tsx'
import { loader as countLoader } from '../../app/routes/resources.review-count.ts'
import { loader as queueResource } from '../../app/routes/resources.review-queue.ts'
import { commitSessionCookie } from '../../app/utils/auth.server.ts'
import { createUser, ensureRolesAndPermissions } from '../../server/auth/auth-service.ts'
import { bookIntoReview, eveningStart, reviewFloor } from '../helpers/review-floor.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const ROLES = ['ops', 'staff', 'engineer', 'admin'] as const
type Role = (typeof ROLES)[number]
/** who may act on the queue (update:review:any); everyone here may read it */
const MAY_ACT: Record<Role, boolean> = { ops: false, staff: true, engineer: false, admin: true }

/** The status a loader or action answered with, whether it returned or threw a Response. */
async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run()
    return result instanceof Response ? result.status : 200
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status
    throw thrown
  }
}

describe(`review pages: permissions per role (${driver})`, () => {
  let engine: TestEngine
  let context: AppLoadContext
  const cookies = new Map<Role, string>()
  let bookingId: string

  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' })
    context = { engine } as AppLoadContext
    await ensureRolesAndPermissions(engine.db)
    for (const role of ROLES) {
      await createUser(engine.db, {
        email: `${role}@example.com`,
        name: `${role} person`,
        password: 'pw-123456',
        roles: [role],
      })
      const session = await engine.auth.signIn(`${role}@example.com`, 'pw-123456', { clientIp: '127.0.0.1' })
      if (!session.ok) throw new Error(`could not sign in as ${role}: ${session.message}`)
      const setCookie = await commitSessionCookie(context, session.token, session.expiresAt)
      cookies.set(role, setCookie.split(';')[0]!)
    }
    await engine.restaurants.putFloor('review-bistro', reviewFloor())
    bookingId = await bookIntoReview(engine, {
      restaurant: 'review-bistro',
      startAt: eveningStart(2),
      partySize: 4,
      zone: 'main',
    })
  })
  afterAll(async () => {
    await engine?.dispose()
  })

  const get = (path: string, role?: Role) =>
    new Request(`http://maitre.test${path}`, { headers: role ? { Cookie: cookies.get(role)! } : {} })
  const post = (path: string, form: Record<string, string>, role?: Role) =>
    new Request(`http://maitre.test${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(role ? { Cookie: cookies.get(role)! } : {}) },
      body: new URLSearchParams(form),
    })
  const args = (request: Request) => ({ request, context, params: { bookingId } })

  it('sends a signed-out visitor to sign in, from pages and resource routes alike', async () => {
    for (const run of [
      () => queueLoader(args(get('/review'))),
      () => bookingLoader(args(get(`/review/${bookingId}`))),
      () => bookingAction(args(post(`/review/${bookingId}`, { intent: 'note', body: 'hi' }))),
      () => queueResource(args(get('/resources/review-queue'))),
      () => countLoader(args(get('/resources/review-count'))),
    ]) {
      expect(await statusOf(run)).toBe(302)
    }
  })

  for (const role of ROLES) {
    it(`${role}: reads the queue${MAY_ACT[role] ? ' and acts on it' : ', and may not act (403, nothing written)'}`, async () => {
      const queue = (await queueLoader(args(get('/review', role)))) as { count: number; canAct: boolean }
      expect(queue.count).toBe(1)
      expect(queue.canAct).toBe(MAY_ACT[role])
      const count = (await countLoader(args(get('/resources/review-count', role)))) as Response
      expect(await count.json()).toEqual({ count: 1 })
      const detail = (await bookingLoader(args(get(`/review/${bookingId}`, role)))) as { canAct: boolean }
      expect(detail.canAct).toBe(MAY_ACT[role])

      const before = await engine.database.executeSql('select count(*)::int as n from review_notes')
      const status = await statusOf(() =>
        bookingAction(args(post(`/review/${bookingId}`, { intent: 'note', body: `from ${role}` }, role))),
      )
      expect(status).toBe(MAY_ACT[role] ? 200 : 403)
      const after = await engine.database.executeSql('select count(*)::int as n from review_notes')
      expect(Number(after.rows[0]!.n) - Number(before.rows[0]!.n)).toBe(MAY_ACT[role] ? 1 : 0)
      // a state change is refused the same way
      if (!MAY_ACT[role]) {
        const cancel = await statusOf(() =>
          bookingAction(
            args(post(`/review/${bookingId}`, { intent: 'cancel', expectedVersion: '0', reason: 'x' }, role)),
          ),
        )
        expect(cancel).toBe(403)
      }
    })
  }

  it('answers bad form input with 400 and a message, and a stale version with 409 saying who', async () => {
    const bad = (await bookingAction(
      args(post(`/review/${bookingId}`, { intent: 'seat', expectedVersion: 'abc', tables: 'P1' }, 'staff')),
    )) as Response
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBe('VALIDATION_FAILED')
    const unknown = (await bookingAction(args(post(`/review/${bookingId}`, { intent: 'dance' }, 'staff')))) as Response
    expect(unknown.status).toBe(400)
    const version = (await engine.review.detail(bookingId))!.booking.version
    const seated = await statusOf(() =>
      bookingAction(
        args(post(`/review/${bookingId}`, { intent: 'seat', expectedVersion: String(version), tables: 'P1' }, 'staff')),
      ),
    )
    expect(seated).toBe(302) // to the queue, with what was done
    const stale = (await bookingAction(
      args(post(`/review/${bookingId}`, { intent: 'seat', expectedVersion: String(version), tables: 'T1' }, 'admin')),
    )) as Response
    expect(stale.status).toBe(409)
    expect((await stale.json()).error).toMatchObject({
      code: 'VERSION_CONFLICT',
      message: expect.stringMatching(/staff person seated it at P1/),
    })
  })
})
