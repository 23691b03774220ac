import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import type { AssignmentFaults } from '../../server/assignment/assignment-deps.ts'
import { sharedQuotePool } from '../../server/assignment/quote-pool.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

const rows = <T>(result: unknown) => (result as { rows: T[] }).rows
const inDays = (days: number, hour: number) => {
  const at = new Date(Date.now() + days * 86_400_000)
  at.setUTCHours(hour, 0, 0, 0)
  return at.toISOString()
}

const guest = (name: string) => ({ name, email: `${name.toLowerCase()}@guests.example` })

/** The party of four that only moving the pair can seat (setUp's floor). */
const bookFour = (engine: TestEngine, slug: string, startAt: string, name = 'Four') =>
  engine.bookings.create({ restaurant: slug, startAt, partySize: 4, guest: guest(name) })

/**
 * A two-top and a four-top. A party of 2 lands on the four-top while the two-top is taken; the
 * two-top frees up; then a party of 4 arrives. Only moving the pair makes room.
 */
async function setUp(engine: TestEngine, slug: string, startAt: string) {
  const { id: restaurantId } = await engine.restaurants.putFloor(slug, {
    name: slug,
    timezone: 'UTC',
    zones: [{ key: 'main', name: 'Main' }],
    tables: [
      { key: 'T2', zone: 'main', capacity: 2 },
      { key: 'T4', zone: 'main', capacity: 4, minParty: 1 },
    ],
    adjacency: [],
  })
  const blocker = await engine.bookings.create({ restaurant: slug, startAt, partySize: 2, guest: guest('Blocker') })
  const pair = await engine.bookings.create({ restaurant: slug, startAt, partySize: 2, guest: guest('Pair') })
  expect(pair.booking.tables).toEqual(['T4'])
  await engine.bookings.cancel(blocker.booking.id)
  return { restaurantId, pairId: pair.booking.id }
}

async function liveTables(engine: TestEngine, bookingId: string): Promise<string[]> {
  const result = await engine.db.execute(sql`
    select t.key from table_allocations a join tables t on t.id = a.table_id
     where a.booking_id = ${bookingId} and a.released_at is null and a.kind = 'assignment' order by t.key`)
  return rows<{ key: string }>(result).map((row) => row.key)
}

async function overlappingLiveAllocations(engine: TestEngine): Promise<number> {
  const result = await engine.db.execute(sql`
    select count(*)::int as n from table_allocations a join table_allocations b
      on a.table_id = b.table_id and a.id < b.id and a."window" && b."window"
     where a.released_at is null and b.released_at is null`)
  return rows<{ n: number }>(result)[0]!.n
}

async function reseatOn(engine: TestEngine, restaurantId: string) {
  await engine.flags.setRule(
    'assignment.reseat',
    { restaurantId: restaurantId },
    { enabled: true },
    { actor: 'test', comment: 'test setup' },
  )
}

async function reseatedEvents(engine: TestEngine, bookingId: string): Promise<number> {
  await engine.events.flush()
  const result = await engine.db.execute(sql`
    select count(*)::int as n from observability_events
     where event_type = 'booking.reseated' and booking_id = ${bookingId}`)
  return rows<{ n: number }>(result)[0]!.n
}

async function bookingFootprint(engine: TestEngine, bookingId: string) {
  const result = await engine.db.execute(sql`
    select b.status,
           (select count(*)::int from table_allocations a where a.booking_id = b.id and a.released_at is null) as live,
           (select count(*)::int from email_outbox e where e.booking_id = b.id) as emails
      from bookings b where b.id = ${bookingId}`)
  return rows<{ status: string; live: number; emails: number }>(result)[0]!
}

describe(`online re-seating (assignment.reseat, ${driver})`, () => {
  let engine: TestEngine
  /** mutable: a test sets a fault and clears it */
  const faults: AssignmentFaults = {}
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false, faults })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it('moves a not-yet-started booking to make room, in one transaction, and records the move', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-on', inDays(3, 19))
    await reseatOn(engine, restaurantId)
    const four = await bookFour(engine, 'reseat-on', inDays(3, 19))
    expect(four.autoAssign.outcome).toBe('confirmed')
    expect(four.booking.tables).toEqual(['T4'])
    expect(await liveTables(engine, pairId)).toEqual(['T2'])
    expect(await liveTables(engine, four.booking.id)).toEqual(['T4'])
    expect(await overlappingLiveAllocations(engine)).toBe(0)
    const pair = await engine.bookings.get(pairId)
    expect(pair.status).toBe('confirmed')
    await engine.events.flush()
    const moved = await engine.db.execute(sql`
      select booking_id, context from observability_events where event_type = 'booking.reseated'`)
    expect(rows<{ booking_id: string; context: Record<string, unknown> }>(moved)).toEqual([
      {
        booking_id: pairId,
        context: expect.objectContaining({ before: ['T4'], after: ['T2'], forBooking: four.booking.id }),
      },
    ])
  })

  it('leaves everyone in place when the flag is off: the new booking is queued', async () => {
    const { pairId } = await setUp(engine, 'reseat-off', inDays(3, 19))
    const four = await bookFour(engine, 'reseat-off', inDays(3, 19))
    expect(four.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, pairId)).toEqual(['T4'])
  })

  it('sheds the search while intake is busy (assignment.reseat_max_intake): queued, nobody moved; searched again once quiet', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-busy', inDays(3, 19))
    const maxIntake = (value: number) =>
      engine.flags.setRule(
        'assignment.reseat_max_intake',
        { restaurantId },
        { enabled: true, value },
        { actor: 'test', comment: 'test setup' },
      )
    await reseatOn(engine, restaurantId)
    // 0: even this one request is too many
    await maxIntake(0)
    const shed = async () =>
      (await engine.metrics.registry.getSingleMetric('maitre_reseat_searches_total')?.get())?.values.find(
        (value) => value.labels.result === 'intake_busy',
      )?.value ?? 0
    const shedBefore = await shed()
    const four = await bookFour(engine, 'reseat-busy', inDays(3, 19))
    expect(four.autoAssign).toMatchObject({ outcome: 'queued', reason: 'NO_AVAILABILITY' })
    expect(await liveTables(engine, pairId)).toEqual(['T4'])
    expect(await shed()).toBe(shedBefore + 1)

    await maxIntake(8)
    const again = await bookFour(engine, 'reseat-busy', inDays(3, 19), 'Again')
    expect(again.autoAssign.outcome).toBe('confirmed')
    expect(await liveTables(engine, pairId)).toEqual(['T2'])
  })

  it('never moves a pinned booking or one that starts within the lead time', async () => {
    const pinned = await setUp(engine, 'reseat-pinned', inDays(3, 19))
    await reseatOn(engine, pinned.restaurantId)
    await engine.db.execute(sql`update bookings set pinned = true where id = ${pinned.pairId}`)
    const four = await bookFour(engine, 'reseat-pinned', inDays(3, 19))
    expect(four.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, pinned.pairId)).toEqual(['T4'])

    const soon = new Date(Date.now() + 30 * 60_000).toISOString()
    const starting = await setUp(engine, 'reseat-soon', soon)
    await reseatOn(engine, starting.restaurantId)
    const late = await bookFour(engine, 'reseat-soon', soon, 'Late')
    expect(late.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, starting.pairId)).toEqual(['T4'])
    expect(await overlappingLiveAllocations(engine)).toBe(0)
  })

  it('rolls the moves back when the new booking cannot be confirmed after them', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-fails', inDays(4, 19))
    await reseatOn(engine, restaurantId)
    faults.afterReseatMoves = async () => {
      throw new Error('injected: the connection died after the moves')
    }
    try {
      const four = await bookFour(engine, 'reseat-fails', inDays(4, 19))
      expect(four.autoAssign.outcome).not.toBe('confirmed')
      // in SQL: the pair still sits at T4 (its released row came back), the new booking holds nothing
      expect(await liveTables(engine, pairId)).toEqual(['T4'])
      const released = await engine.db.execute(sql`
        select count(*)::int as n from table_allocations where booking_id = ${pairId} and released_at is not null`)
      expect(rows<{ n: number }>(released)[0]!.n).toBe(0)
      expect(await bookingFootprint(engine, four.booking.id)).toEqual({
        status: 'pending_allocation',
        live: 0,
        emails: 0,
      })
      expect(await reseatedEvents(engine, pairId)).toBe(0)
    } finally {
      delete faults.afterReseatMoves
    }
  })

  it('rolls the moves back when the freed tables are taken before the new booking holds them', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-raced', inDays(5, 19))
    await reseatOn(engine, restaurantId)
    let taken = 0
    faults.afterReseatMoves = async (tx) => {
      // another hold lands on T4, just freed by the move, inside the same transaction: the new
      // booking's hold then meets the exclusion constraint
      const result = await tx.execute(sql`
        insert into table_allocations (restaurant_id, table_id, kind, hold_id, "window", hold_expires_at)
        select t.restaurant_id, t.id, 'hold', gen_random_uuid(),
               tstzrange(${inDays(5, 18)}::timestamptz, ${inDays(5, 23)}::timestamptz, '[)'), now() + interval '1 day'
          from tables t where t.restaurant_id = ${restaurantId} and t.key = 'T4'
        returning id`)
      taken += rows(result).length
    }
    try {
      const four = await bookFour(engine, 'reseat-raced', inDays(5, 19))
      expect(taken).toBe(1)
      expect(four.autoAssign.outcome).not.toBe('confirmed')
      expect(await liveTables(engine, pairId)).toEqual(['T4'])
      expect(await bookingFootprint(engine, four.booking.id)).toEqual({
        status: 'pending_allocation',
        live: 0,
        emails: 0,
      })
      // the competing hold was part of the rolled-back transaction too
      const holds = await engine.db.execute(sql`
        select count(*)::int as n from table_allocations where restaurant_id = ${restaurantId} and kind = 'hold'
           and booking_id is null`)
      expect(rows<{ n: number }>(holds)[0]!.n).toBe(0)
      expect(await reseatedEvents(engine, pairId)).toBe(0)
      expect(await overlappingLiveAllocations(engine)).toBe(0)
    } finally {
      delete faults.afterReseatMoves
    }
  })

  it('never moves a booking staff placed', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-staff', inDays(6, 19))
    await reseatOn(engine, restaurantId)
    // what seating from the review page leaves on the booking (steps/seat.ts: trigger manual)
    await engine.db.execute(sql`
      update bookings set auto_assign_last_result = auto_assign_last_result || '{"source":"manual","trigger":"manual"}'::jsonb
       where id = ${pairId}`)
    const four = await bookFour(engine, 'reseat-staff', inDays(6, 19))
    expect(four.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, pairId)).toEqual(['T4'])
  })

  it('re-seats through pipeline V3 as well, moves and confirm together', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-v3', inDays(7, 19))
    await reseatOn(engine, restaurantId)
    await engine.flags.setRule(
      'assignment.pipeline_v3',
      { restaurantId: restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
    const four = await bookFour(engine, 'reseat-v3', inDays(7, 19))
    expect(four.autoAssign.outcome).toBe('confirmed')
    expect(await liveTables(engine, pairId)).toEqual(['T2'])
    expect(await liveTables(engine, four.booking.id)).toEqual(['T4'])
    expect(await reseatedEvents(engine, pairId)).toBe(1)
    const state = await engine.db.execute(sql`select assignment_state from bookings where id = ${four.booking.id}`)
    expect(rows<{ assignment_state: string }>(state)[0]!.assignment_state).toBe('confirmed')
  })

  it('moves a guest who asked for no zone to another zone, and never one who asked for theirs', async () => {
    const seatPair = async (slug: string, startAt: string, pairZone?: string) => {
      const { id: restaurantId } = await engine.restaurants.putFloor(slug, {
        name: slug,
        timezone: 'UTC',
        zones: [
          { key: 'main', name: 'Main' },
          { key: 'terrace', name: 'Terrace' },
        ],
        tables: [
          { key: 'T4', zone: 'main', capacity: 4, minParty: 1 },
          { key: 'P2', zone: 'terrace', capacity: 2 },
        ],
        adjacency: [],
      })
      await reseatOn(engine, restaurantId)
      const blocker = await engine.bookings.create({ restaurant: slug, startAt, partySize: 2, guest: guest('Blocker') })
      expect(blocker.booking.tables).toEqual(['P2'])
      const pair = await engine.bookings.create({
        restaurant: slug,
        startAt,
        partySize: 2,
        ...(pairZone ? { zone: pairZone } : {}),
        guest: guest('Pair'),
      })
      expect(pair.booking.tables).toEqual(['T4'])
      await engine.bookings.cancel(blocker.booking.id)
      const four = await engine.bookings.create({
        restaurant: slug,
        startAt,
        partySize: 4,
        zone: 'main',
        guest: guest('Four'),
      })
      return { pairId: pair.booking.id, four }
    }
    const anyZone = await seatPair('reseat-zones', inDays(8, 19))
    expect(anyZone.four.autoAssign.outcome).toBe('confirmed')
    expect(await liveTables(engine, anyZone.pairId)).toEqual(['P2'])
    expect(await liveTables(engine, anyZone.four.booking.id)).toEqual(['T4'])

    const asked = await seatPair('reseat-zone-asked', inDays(8, 19), 'main')
    expect(asked.four.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, asked.pairId)).toEqual(['T4'])
  })

  it('searches on the quote pool (inline here; a longer search moves to its worker), not beside it', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-pool', inDays(3, 19))
    await reseatOn(engine, restaurantId)
    const { reseatInline, reseatOffloaded } = sharedQuotePool().counters
    const four = await bookFour(engine, 'reseat-pool', inDays(3, 19))
    expect(four.booking.tables).toEqual(['T4'])
    expect(await liveTables(engine, pairId)).toEqual(['T2'])
    expect(sharedQuotePool().counters).toMatchObject({ reseatInline: reseatInline + 1, reseatOffloaded })
  })
})
