import { loadAvailability, type Availability } from '../../db/queries/availability.ts'
import { findPacingRule } from '../../db/queries/peak-pacing.ts'
import type { Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import type { FloorSnapshot } from '../floor-snapshot.ts'
import { pacingDecision } from '../pacing.ts'

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
  deps: Pick<AssignmentDeps, 'db' | 'floors' | 'now' | 'flags'>,
  booking: Pick<Booking, 'id' | 'restaurantId' | 'startAt' | 'endAt' | 'partySize'>,
  availability?: Availability,
): Promise<AvailabilitySnapshot> {
  const read =
    availability ??
    (await loadAvailability(deps.db, booking.restaurantId, { start: booking.startAt, end: booking.endAt }, deps.now()))
  if (!read) throw new Error(`restaurant ${booking.restaurantId} vanished while its booking was being assigned`)
  const floor = await deps.floors.get(deps.db, booking.restaurantId, read.floorVersion)
  const heldTableIds = await pacedTables(deps, booking, floor)
  // a copy: the caller's availability may be shared (inline hands its read to every attempt)
  return { availability: heldTableIds.length > 0 ? { ...read, heldTableIds } : read, floor }
}

/**
 * Peak pacing, where the flag `assignment.peak_pacing` is on and the restaurant has a rule: the
 * tables this booking's party may not have. Here, so both pipelines (which decide on this
 * snapshot) and re-seating honour it alike; the planner only ever sees tables to avoid.
 */
async function pacedTables(
  deps: Pick<AssignmentDeps, 'db' | 'now' | 'flags'>,
  booking: Pick<Booking, 'id' | 'restaurantId' | 'startAt' | 'endAt' | 'partySize'>,
  floor: FloorSnapshot,
): Promise<string[]> {
  const context = { restaurantId: booking.restaurantId, bookingId: booking.id }
  if (!(await deps.flags.boolean('assignment.peak_pacing', context))) return []
  const rule = await findPacingRule(deps.db, booking.restaurantId)
  if (!rule) return []
  return pacingDecision(rule, {
    partySize: booking.partySize,
    window: { start: booking.startAt, end: booking.endAt },
    timeZone: floor.restaurant.timezone,
    tables: floor.tables,
    adjacency: floor.adjacency,
    keyById: floor.keyById,
    now: deps.now(),
  }).heldTableIds
}
