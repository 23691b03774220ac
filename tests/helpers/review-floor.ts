import type { Engine } from '../../server/engine.ts'
import type { FloorInput } from '../../server/restaurants/floor-schema.ts'
import { waitFor } from './wait.ts'

/**
 * A floor where a party of 4 in "main" cannot be seated as booked: the two two-tops of main are
 * not side by side (ADJACENCY_UNSATISFIED, a hard reason: straight to manual review). Relaxing
 * adjacency gives T1 + T2; another zone gives P1.
 */
export function reviewFloor(): FloorInput {
  return {
    name: 'Review Bistro',
    timezone: 'UTC',
    turnMinutes: { '2': 60, '99': 90 },
    bufferMinutes: 0,
    zones: [
      { key: 'main', name: 'Main room' },
      { key: 'patio', name: 'Patio' },
    ],
    tables: [
      { key: 'T1', zone: 'main', capacity: 2 },
      { key: 'T2', zone: 'main', capacity: 2 },
      { key: 'P1', zone: 'patio', capacity: 4 },
    ],
    adjacency: [],
  }
}

/** Tomorrow at 19:00 UTC plus `days`: always in the future, always the same wall clock. */
export function eveningStart(days = 1): string {
  const start = new Date(Date.now() + days * 86_400_000)
  start.setUTCHours(19, 0, 0, 0)
  return start.toISOString()
}

/** Books through the real intake and waits until the engine gives up on it (manual review). */
export async function bookIntoReview(
  engine: Engine,
  input: { restaurant: string; startAt: string; partySize: number; zone?: string; guest?: string },
): Promise<string> {
  const answer = await engine.bookings.create({
    restaurant: input.restaurant,
    startAt: input.startAt,
    partySize: input.partySize,
    ...(input.zone ? { zone: input.zone } : {}),
    guest: {
      name: input.guest ?? 'Grace Guest',
      email: `${(input.guest ?? 'grace').toLowerCase().replace(/\W+/g, '.')}@example.com`,
    },
  })
  if (answer.autoAssign.outcome === 'confirmed')
    throw new Error('the booking was seated; the floor does not force review')
  const id = answer.booking.id
  await waitFor(
    async () => {
      const rows = await engine.database.executeSql('select assignment_state from bookings where id = $1', [id])
      return rows.rows[0]?.assignment_state === 'manual_review' ? true : undefined
    },
    30_000,
    `booking ${id} to reach manual review`,
  )
  return id
}

/**
 * A two-top and a four-top, in `restaurant`: a pair sits at the four-top (the two-top was taken
 * when it booked, then freed), and a party of 4 waits in review. Only moving the pair seats it.
 */
export async function pairToMoveForReview(engine: Engine, restaurant: string) {
  await engine.restaurants.putFloor(restaurant, {
    name: restaurant,
    timezone: 'UTC',
    zones: [{ key: 'main', name: 'Main room' }],
    tables: [
      { key: 'T2', zone: 'main', capacity: 2 },
      { key: 'T4', zone: 'main', capacity: 4 },
    ],
    adjacency: [],
  })
  const guest = (name: string) => ({ name, email: `${name.toLowerCase()}@guests.example` })
  const startAt = eveningStart(3)
  const blocker = await engine.bookings.create({ restaurant, startAt, partySize: 2, guest: guest('Blocker') })
  const seated = await engine.bookings.create({ restaurant, startAt, partySize: 2, guest: guest('Pair') })
  if (seated.booking.tables.join() !== 'T4') throw new Error('the pair was not seated at the four-top')
  await engine.bookings.cancel(blocker.booking.id)
  const four = await bookIntoReview(engine, { restaurant, startAt, partySize: 4, guest: 'Four' })
  return { pair: { id: seated.booking.id, reference: seated.booking.reference }, four }
}
