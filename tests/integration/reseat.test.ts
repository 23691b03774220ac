import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const rows = <T>(result: unknown) => (result as { rows: T[] }).rows
const inDays = (days: number, hour: number) => {
  const at = new Date(Date.now() + days * 86_400_000)
  at.setUTCHours(hour, 0, 0, 0)
  return at.toISOString()
}

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
  const guest = (name: string) => ({ name, email: `${name.toLowerCase()}@guests.example` })
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

describe('online re-seating (assignment.reseat)', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it('moves a not-yet-started booking to make room, in one transaction, and records the move', async () => {
    const { restaurantId, pairId } = await setUp(engine, 'reseat-on', inDays(3, 19))
    await engine.flags.setRule(
      'assignment.reseat',
      { restaurantId: restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
    const four = await engine.bookings.create({
      restaurant: 'reseat-on',
      startAt: inDays(3, 19),
      partySize: 4,
      guest: { name: 'Four', email: 'four@guests.example' },
    })
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
    const four = await engine.bookings.create({
      restaurant: 'reseat-off',
      startAt: inDays(3, 19),
      partySize: 4,
      guest: { name: 'Four', email: 'four@guests.example' },
    })
    expect(four.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, pairId)).toEqual(['T4'])
  })

  it('never moves a pinned booking or one that starts within the lead time', async () => {
    const pinned = await setUp(engine, 'reseat-pinned', inDays(3, 19))
    await engine.flags.setRule(
      'assignment.reseat',
      { restaurantId: pinned.restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
    await engine.db.execute(sql`update bookings set pinned = true where id = ${pinned.pairId}`)
    const four = await engine.bookings.create({
      restaurant: 'reseat-pinned',
      startAt: inDays(3, 19),
      partySize: 4,
      guest: { name: 'Four', email: 'four@guests.example' },
    })
    expect(four.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, pinned.pairId)).toEqual(['T4'])

    const soon = new Date(Date.now() + 30 * 60_000).toISOString()
    const starting = await setUp(engine, 'reseat-soon', soon)
    await engine.flags.setRule(
      'assignment.reseat',
      { restaurantId: starting.restaurantId },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
    const late = await engine.bookings.create({
      restaurant: 'reseat-soon',
      startAt: soon,
      partySize: 4,
      guest: { name: 'Late', email: 'late@guests.example' },
    })
    expect(late.autoAssign.outcome).toBe('queued')
    expect(await liveTables(engine, starting.pairId)).toEqual(['T4'])
    expect(await overlappingLiveAllocations(engine)).toBe(0)
  })
})
