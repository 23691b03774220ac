import type { AppLoadContext } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loader as bookingLoader } from '../../app/routes/bookings.$bookingId.tsx'
import { commitSessionCookie } from '../../app/utils/auth.server.ts'
import { createUser, ensureRolesAndPermissions } from '../../server/auth/auth-service.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { waitFor } from '../helpers/wait.ts'

// /bookings/:bookingId: one booking's story from its real rows (transitions, attempts, events),
// in time order, and the page's answers to an unknown and a malformed id.
const floor = {
  name: 'Timeline Bistro',
  timezone: 'Europe/Paris',
  zones: [{ key: 'main', name: 'Main' }],
  tables: [
    { key: 'T1', zone: 'main', capacity: 2 },
    { key: 'T2', zone: 'main', capacity: 2 },
  ],
  adjacency: [['T1', 'T2']],
}
const guest = { name: 'Ada Lovelace', email: 'ada@example.com' }
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run()
    return result instanceof Response ? result.status : 200
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status
    throw thrown
  }
}

describe('booking timeline', () => {
  let engine: TestEngine
  let context: AppLoadContext
  const cookies = new Map<string, string>()

  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' })
    context = { engine } as AppLoadContext
    await ensureRolesAndPermissions(engine.db)
    for (const role of ['ops', 'staff']) {
      await createUser(engine.db, { email: `${role}@example.com`, name: role, password: 'pw-123456', roles: [role] })
      const session = await engine.auth.signIn(`${role}@example.com`, 'pw-123456', { clientIp: '127.0.0.1' })
      if (!session.ok) throw new Error(session.message)
      cookies.set(role, (await commitSessionCookie(context, session.token, session.expiresAt)).split(';')[0]!)
    }
    await engine.restaurants.putFloor('timeline-bistro', floor)
  })
  afterAll(() => engine?.dispose())

  const load = (role: string, bookingId: string) =>
    bookingLoader({
      request: new Request(`http://localhost/bookings/${bookingId}`, { headers: { cookie: cookies.get(role)! } }),
      params: { bookingId },
      context,
    })

  it('tells a seated booking in time order: received, attempt with its facts, states, confirmation, events', async () => {
    const answer = await engine.bookings.create({
      restaurant: 'timeline-bistro',
      startAt: inDays(2),
      partySize: 4,
      guest,
    })
    expect(answer.autoAssign.outcome).toBe('confirmed')
    const id = answer.booking.id
    // a move recorded by the re-seating step (its shape: before and after table keys)
    engine.events.record({
      type: 'booking.reseated',
      source: 'engine',
      restaurantId: null,
      bookingId: id,
      context: { before: ['T1', 'T2'], after: ['T2', 'T1'], forBooking: id, actor: 'engine', pipeline: 'legacy' },
    })
    await engine.events.flush()

    const story = await waitFor(async () => {
      const loaded = await engine.review.timeline(id)
      return loaded?.timeline.some((entry) => entry.title === 'Moved to other tables') ? loaded : undefined
    }, 10_000)
    expect(story.booking).toMatchObject({
      id,
      restaurant: 'timeline-bistro',
      restaurantName: 'Timeline Bistro',
      partySize: 4,
      status: 'confirmed',
      timezone: 'Europe/Paris',
    })
    expect([...story.booking.tables].sort()).toEqual(['T1', 'T2'])
    // ops read this page: the guest's name and address are not in what the loader sends
    expect(JSON.stringify(story)).not.toContain(guest.email)
    expect(JSON.stringify(story)).not.toContain(guest.name)
    const at = story.timeline.map((entry) => entry.at)
    expect(at).toEqual([...at].sort())

    const attempt = story.timeline.find((entry) => entry.kind === 'attempt')!
    expect(attempt.title).toMatch(/^Attempt 1: seated at T1 \+ T2$/)
    expect(Object.fromEntries(attempt.facts!.map((f) => [f.label, f.value]))).toMatchObject({
      trigger: 'inline',
      pipeline: 'legacy',
      success: 'yes',
      duration: expect.stringMatching(/ ms$/),
    })
    const titles = story.timeline.map((entry) => entry.title)
    expect(titles).toContain('Confirmed') // the state transition
    expect(titles).toContain('Booking received') // booking.created
    expect(titles).not.toContain('booking.assignment_state_transition') // not twice
    const moved = story.timeline.find((entry) => entry.title === 'Moved to other tables')!
    expect(moved).toMatchObject({ kind: 'event', detail: 'From T1 + T2 to T2 + T1, to seat another booking.' })

    // the page: ops may read it; staff (no dashboards) may not
    const page = (await load('ops', id)) as Awaited<ReturnType<typeof engine.review.timeline>>
    expect(page!.timeline).toEqual(story.timeline)
    expect(await statusOf(() => load('staff', id))).toBe(403)
  })

  it('gives failed attempts their reason in words', async () => {
    const answer = await engine.bookings.create({
      restaurant: 'timeline-bistro',
      startAt: inDays(3),
      partySize: 9,
      guest,
    })
    await waitFor(async () => {
      const booking = await engine.bookings.get(answer.booking.id)
      return booking.assignmentState === 'manual_review' ? booking : undefined
    }, 20_000)
    await engine.events.flush()
    const story = (await engine.review.timeline(answer.booking.id))!
    const attempt = story.timeline.find((entry) => entry.kind === 'attempt')!
    expect(attempt.detail).toBe('No table or combination of tables is big enough for this party.')
    expect(story.timeline.map((entry) => entry.title)).toContain('Sent to manual review')
    expect(story.timeline.map((entry) => entry.title)).toContain('Retry policy v2: skip first attempt')
  })

  it('answers 404 for an unknown booking and 400 for a malformed id', async () => {
    expect(await engine.review.timeline('7b0c1a52-2a55-4a3e-9d6e-3a4b5c6d7e8f')).toBeNull()
    expect(await statusOf(() => load('ops', '7b0c1a52-2a55-4a3e-9d6e-3a4b5c6d7e8f'))).toBe(404)
    expect(await statusOf(() => load('ops', 'not-a-uuid'))).toBe(400)
  })
})
