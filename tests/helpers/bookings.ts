import crypto from 'node:crypto'
import { bookings, type AssignmentState, type Booking } from '../../server/db/schema/bookings.ts'
import type { Engine } from '../../server/engine.ts'
import { smallFloor } from './floors.ts'

/** A restaurant with the small test floor; returns its id. */
export async function seedRestaurant(engine: Engine, slug = 'bistro', floor = smallFloor()): Promise<string> {
  const answer = await engine.restaurants.putFloor(slug, floor)
  return answer.id
}

/**
 * A booking row written directly (no intake, no inline attempt), in the state a test needs: the
 * pipelines under test then act on it alone.
 */
export async function insertBooking(
  engine: Engine,
  restaurantId: string,
  options: { startAt?: Date; minutes?: number; partySize?: number; state?: AssignmentState; zoneId?: string } = {},
): Promise<Booking> {
  const startAt = options.startAt ?? new Date(Date.now() + 2 * 86_400_000)
  const [row] = await engine.db
    .insert(bookings)
    .values({
      reference: `MT-${crypto.randomBytes(4).toString('hex').toUpperCase()}`,
      restaurantId,
      partySize: options.partySize ?? 2,
      startAt,
      endAt: new Date(startAt.getTime() + (options.minutes ?? 105) * 60_000),
      guestName: 'Test Guest',
      guestEmail: 'guest@example.com',
      zoneId: options.zoneId ?? null,
      assignmentState: options.state ?? 'created',
    })
    .returning()
  return row!
}
