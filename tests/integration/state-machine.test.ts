import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bookings } from '../../server/db/schema/bookings.ts'
import {
  canTransition,
  createStateMachine,
  IllegalTransitionError,
  TRANSITIONS,
  VersionConflictError,
} from '../../server/assignment/state-machine.ts'
import { ASSIGNMENT_STATES } from '../../server/assignment/vocabulary.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { insertBooking, seedRestaurant } from '../helpers/bookings.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

describe(`assignment state machine (${driver})`, () => {
  let engine: TestEngine
  let restaurantId: string
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    restaurantId = await seedRestaurant(engine)
  })
  afterAll(async () => {
    await engine.dispose()
  })

  async function historyCount(bookingId: string): Promise<number> {
    const rows = await engine.database.executeSql(
      'select count(*)::int as n from assignment_state_history where booking_id = $1',
      [bookingId],
    )
    return Number(rows.rows[0]!.n)
  }

  it('every state the enum declares is in the table, and every state is reachable from created', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ASSIGNMENT_STATES].sort())
    const reached = new Set<string>(['created'])
    for (let changed = true; changed;) {
      changed = false
      for (const from of reached)
        for (const to of TRANSITIONS[from as keyof typeof TRANSITIONS])
          if (!reached.has(to)) {
            reached.add(to)
            changed = true
          }
    }
    expect([...reached].sort()).toEqual([...ASSIGNMENT_STATES].sort())
  })

  it('applies every legal pair (version bumped, history row, event) and refuses every illegal one (nothing written)', async () => {
    const machine = createStateMachine({ events: engine.events })
    let legal = 0
    let illegal = 0
    for (const from of ASSIGNMENT_STATES) {
      for (const to of ASSIGNMENT_STATES) {
        const booking = await insertBooking(engine, restaurantId, { state: from })
        if (canTransition(from, to)) {
          const applied = await machine.transition(engine.db, {
            bookingId: booking.id,
            to,
            actor: 'test',
            pipeline: 'v3',
            expectedVersion: 0,
          })
          expect(applied).toMatchObject({ from, to, version: 1 })
          expect(applied.booking.assignmentState).toBe(to)
          expect(await historyCount(booking.id)).toBe(1)
          legal++
        } else {
          await expect(
            machine.transition(engine.db, { bookingId: booking.id, to, actor: 'test', pipeline: null }),
          ).rejects.toBeInstanceOf(IllegalTransitionError)
          const [row] = await engine.db.select().from(bookings).where(eq(bookings.id, booking.id))
          expect(row).toMatchObject({ assignmentState: from, assignmentStateVersion: 0 })
          expect(await historyCount(booking.id)).toBe(0)
          illegal++
        }
      }
    }
    expect(legal).toBe(Object.values(TRANSITIONS).reduce((n, list) => n + list.length, 0))
    expect(legal + illegal).toBe(ASSIGNMENT_STATES.length ** 2)

    await engine.events.flush()
    const events = await engine.database.executeSql(
      `select context from observability_events where event_type = 'booking.assignment_state_transition'
          and context->>'actor' = 'test'`,
    )
    expect(events.rows.length).toBe(legal)
    expect(events.rows[0]!.context).toMatchObject({ version: 1, pipeline: 'v3', actor: 'test' })
    expect(engine.events.stats().invalid ?? 0).toBe(0)
  })

  it('a stale version or an unexpected state is a VersionConflictError and writes nothing', async () => {
    const machine = createStateMachine({ events: engine.events })
    const booking = await insertBooking(engine, restaurantId, { state: 'manual_review' })
    await machine.transition(engine.db, {
      bookingId: booking.id,
      to: 'assignment_pending',
      actor: 'staff-1',
      pipeline: null,
    })

    const stale = machine.transition(engine.db, {
      bookingId: booking.id,
      to: 'confirmed',
      actor: 'staff-2',
      pipeline: null,
      expectedVersion: 0,
    })
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError)
    await expect(stale).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      status: 409,
      actual: { version: 1, state: 'assignment_pending' },
    })

    const moved = machine.transition(engine.db, {
      bookingId: booking.id,
      to: 'cancelled',
      actor: 'staff-2',
      pipeline: null,
      from: ['manual_review'],
    })
    await expect(moved).rejects.toBeInstanceOf(VersionConflictError)
    const [row] = await engine.db.select().from(bookings).where(eq(bookings.id, booking.id))
    expect(row).toMatchObject({ assignmentState: 'assignment_pending', assignmentStateVersion: 1 })
    expect(await historyCount(booking.id)).toBe(1)
  })

  it('two people acting on the same version: exactly one wins', async () => {
    const machine = createStateMachine({ events: engine.events })
    const booking = await insertBooking(engine, restaurantId, { state: 'manual_review' })
    const results = await Promise.allSettled(
      ['a', 'b'].map((actor) =>
        machine.transition(engine.db, {
          bookingId: booking.id,
          to: 'cancelled',
          actor,
          pipeline: null,
          expectedVersion: 0,
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(rejected.reason).toBeInstanceOf(VersionConflictError)
    const [count] = (
      await engine.database.executeSql(
        `select count(*)::int as n from assignment_state_history where booking_id = $1`,
        [booking.id],
      )
    ).rows
    expect(Number(count!.n)).toBe(1)
  })

  it('walks a path in one statement: one history row per step, versions in sequence; a bad path writes nothing', async () => {
    const machine = createStateMachine({ events: engine.events })
    const booking = await insertBooking(engine, restaurantId, { state: 'created' })
    const [before] = await engine.db.select().from(bookings).where(eq(bookings.id, booking.id))
    const step = (to: (typeof ASSIGNMENT_STATES)[number]) => ({
      bookingId: booking.id,
      to,
      actor: 'coordinator',
      pipeline: 'v3' as const,
    })
    const applied = await machine.walk(engine.db, [
      { ...step('capacity_verified'), expectedVersion: before!.assignmentStateVersion },
      step('assignment_pending'),
      step('assignment_in_progress'),
    ])
    expect(applied.map((t) => `${t.from}->${t.to}@${t.version}`)).toEqual([
      `created->capacity_verified@${before!.assignmentStateVersion + 1}`,
      `capacity_verified->assignment_pending@${before!.assignmentStateVersion + 2}`,
      `assignment_pending->assignment_in_progress@${before!.assignmentStateVersion + 3}`,
    ])
    const history = await engine.database.executeSql(
      'select from_state, to_state, version from assignment_state_history where booking_id = $1 order by version',
      [booking.id],
    )
    expect(history.rows).toEqual([
      { from_state: 'created', to_state: 'capacity_verified', version: before!.assignmentStateVersion + 1 },
      { from_state: 'capacity_verified', to_state: 'assignment_pending', version: before!.assignmentStateVersion + 2 },
      {
        from_state: 'assignment_pending',
        to_state: 'assignment_in_progress',
        version: before!.assignmentStateVersion + 3,
      },
    ])
    const [after] = await engine.db.select().from(bookings).where(eq(bookings.id, booking.id))
    expect(after).toMatchObject({
      assignmentState: 'assignment_in_progress',
      assignmentStateVersion: before!.assignmentStateVersion + 3,
    })

    // an illegal step anywhere in the path: refused before anything is written
    const other = await insertBooking(engine, restaurantId, { state: 'created' })
    await expect(
      machine.walk(
        engine.db,
        [step('capacity_verified'), step('confirmed')].map((t) => ({ ...t, bookingId: other.id })),
      ),
    ).rejects.toBeInstanceOf(IllegalTransitionError)
    expect(await historyCount(other.id)).toBe(0)
    // a stale version on the first step: a conflict, nothing written
    await expect(
      machine.walk(engine.db, [
        { ...step('capacity_verified'), bookingId: other.id, expectedVersion: 99 },
        { ...step('assignment_pending'), bookingId: other.id },
      ]),
    ).rejects.toBeInstanceOf(VersionConflictError)
    expect(await historyCount(other.id)).toBe(0)
  })
})
