import type { Executor } from '../db/client.ts'
import { listBookingsOfDay, type ReplayBooking } from '../db/queries/replay-day.ts'
import { storedFloor } from '../db/queries/restaurant-floors.ts'
import { exportFloor } from '../restaurants/floor-export.ts'
import type { FloorInput } from '../restaurants/floor-schema.ts'
import { zonedTimeToUtc } from '../sim/local-time.ts'
import type { Evening, EveningRequest } from './evening.ts'

export interface ReplayDay {
  floor: FloorInput
  evening: Evening
  /** cancelled before any later booking was made and the last of the day: nothing to replay */
  dropped: number
}

const nextDay = (ymd: string) => {
  const at = new Date(`${ymd}T12:00:00Z`)
  at.setUTCDate(at.getUTCDate() + 1)
  return at.toISOString().slice(0, 10)
}

const madeAfter = (list: ReplayBooking[], index: number, at: Date) =>
  list.findIndex((other, later) => later > index && other.createdAt.getTime() > at.getTime())

/**
 * A day's bookings as an evening: party sizes, local start times, the zones guests asked for, in
 * the order they were made. A cancelled booking is cancelled just before the first booking made
 * after its cancellation (the evening's own model); one cancelled after the day's last booking was
 * made is left out: it held tables from no one.
 */
export function eveningOfDay(
  bookings: ReplayBooking[],
  dayStart: Date,
): { requests: EveningRequest[]; dropped: number } {
  let kept = bookings
  for (;;) {
    const next = kept.filter(
      (booking, index) => booking.cancelledAt === null || madeAfter(kept, index, booking.cancelledAt) !== -1,
    )
    if (next.length === kept.length) break
    kept = next
  }
  const requests = kept.map((booking, arrival): EveningRequest => {
    const cancelledAfter = booking.cancelledAt === null ? null : madeAfter(kept, arrival, booking.cancelledAt)
    return {
      arrival,
      partySize: booking.partySize,
      startMinutes: Math.round((booking.startAt.getTime() - dayStart.getTime()) / 60_000),
      zone: booking.zoneKey,
      cancelledAfter,
    }
  })
  return { requests, dropped: bookings.length - kept.length }
}

/**
 * Reads a restaurant's floor and one local day's bookings from a database, for
 * `npm run simulate -- --replay SLUG --date YYYY-MM-DD`. Null when there is no such restaurant.
 */
export async function loadReplayDay(executor: Executor, slug: string, date: string): Promise<ReplayDay | null> {
  const stored = await storedFloor(executor, slug)
  if (!stored) return null
  const { id, slug: _slug, ...exported } = exportFloor(stored)
  // the day's bookings passed the service hours when they were made; the replay plays them on
  // another date, maybe another weekday, so the hours are not checked again
  const floor: FloorInput = { ...exported, servicePeriods: [] }
  const from = zonedTimeToUtc(date, '00:00', floor.timezone)
  const to = zonedTimeToUtc(nextDay(date), '00:00', floor.timezone)
  const bookings = await listBookingsOfDay(executor, { restaurantId: id, from, to })
  const { requests, dropped } = eveningOfDay(bookings, from)
  return { floor, evening: { seed: 0, profile: 'replay', requests }, dropped }
}
