import { loadAvailability, type Availability } from '../../db/queries/availability.ts'
import type { Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import type { FloorSnapshot } from '../floor-snapshot.ts'

/**
 * What a decision is made on: the floor and the busy windows around one booking, read at one
 * moment. Shadow mode hands the legacy pipeline's snapshot to V3's decide, so both decide on the
 * same state of the restaurant.
 */
export interface AvailabilitySnapshot {
  availability: Availability
  floor: FloorSnapshot
}

export async function loadSnapshot(
  deps: Pick<AssignmentDeps, 'db' | 'floors' | 'now'>,
  booking: Pick<Booking, 'restaurantId' | 'startAt' | 'endAt'>,
  availability?: Availability,
): Promise<AvailabilitySnapshot> {
  const read =
    availability ??
    (await loadAvailability(deps.db, booking.restaurantId, { start: booking.startAt, end: booking.endAt }, deps.now()))
  if (!read) throw new Error(`restaurant ${booking.restaurantId} vanished while its booking was being assigned`)
  const floor = await deps.floors.get(deps.db, booking.restaurantId, read.floorVersion)
  return { availability: read, floor }
}
