import type { Engine } from '../engine.ts'
import { confirmedBookingIds, reseatedBookingIds } from '../db/queries/evening-results.ts'
import type { FloorInput } from '../restaurants/floor-schema.ts'
import { localDate, zonedTimeToUtc } from '../sim/local-time.ts'
import type { PacingRule } from '../assignment/pacing.ts'
import type { Evening } from './evening.ts'

export interface EngineRunResult {
  /** arrival indexes of the requests confirmed at the end (cancelled ones excluded) */
  seated: number[]
  covers: number
  bookings: number
  /** requests the engine left unseated (queued for the job or waiting for a person) */
  unseated: number
  /** the tables (keys) each request was seated at when it was answered, by arrival index */
  tablesAtIntake: Record<number, string[]>
  /** inline auto-assign durations, ms, of the bookings seated without moving anyone */
  inlineMs: number[]
  /** inline durations, ms, of the bookings seated by moving others (online re-seating) */
  reseatInlineMs: number[]
}

export interface RunOptions {
  /** the restaurant slug to create for this evening */
  slug: string
  /** days ahead of `now` the evening takes place; default 7 */
  daysAhead?: number
  onProgress?: (done: number, total: number) => void
  /**
   * the engine's clock (created with `now: clock.now`): the requests then arrive evenly over
   * the `daysAhead` days before ARRIVALS_END_HOUR on the evening's day, so a pacing cut-off falls
   * among them. Without it every request arrives at the same instant.
   */
  clock?: SimulatedClock
  /** peak pacing for this evening's restaurant: the rule, and the flag on for it */
  pacing?: PacingRule
}

/** A clock the simulator moves; the engine reads it as its `now`. */
export interface SimulatedClock {
  now(): Date
  set(at: Date): void
}

export function simulatedClock(start = new Date()): SimulatedClock {
  let at = start.getTime()
  return {
    now: () => new Date(at),
    set: (next) => {
      at = next.getTime()
    },
  }
}

/** The last request arrives at this local hour on the evening's day (before the first start, 18:00). */
const ARRIVALS_END_HOUR = '16:00'

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/**
 * Plays an evening through the real engine, the way the HTTP API would: the floor is imported
 * with the same service as `PUT /api/restaurants/:slug`, each request goes through
 * `engine.bookings.create` (validation, block window, inline auto-assign) in arrival order, and
 * cancellations through `engine.bookings.cancel` at their point in that order. Then it counts the
 * confirmed bookings. Run it on an engine without background workers so the result depends only
 * on the evening (the job retries the same planner later, which would make runs differ by timing).
 */
export async function runEveningThroughEngine(
  engine: Engine,
  floor: FloorInput,
  evening: Evening,
  options: RunOptions,
): Promise<EngineRunResult> {
  const restaurantId = (await engine.restaurants.putFloor(options.slug, floor)).id
  if (options.pacing) {
    await engine.restaurants.putPacing(options.slug, options.pacing)
    await engine.flags.setRule(
      'assignment.peak_pacing',
      { restaurantId },
      { enabled: true },
      { actor: 'simulator', comment: 'simulate --pacing' },
    )
  }
  const daysAhead = options.daysAhead ?? 7
  const now = engine.assignment.now().getTime()
  let day = localDate(new Date(now + daysAhead * 86_400_000), floor.timezone)
  let runStart = now
  if (options.clock) {
    // arrivals from ARRIVALS_END_HOUR `daysAhead` days before the evening's day: the same spacing
    // (and the same cut-off position) whatever the time of day the run starts; a day later than
    // without a clock, so the clock never runs behind the database's
    day = localDate(new Date(now + (daysAhead + 1) * 86_400_000), floor.timezone)
    const noon = zonedTimeToUtc(day, '12:00', floor.timezone).getTime()
    runStart = zonedTimeToUtc(
      localDate(new Date(noon - daysAhead * 86_400_000), floor.timezone),
      ARRIVALS_END_HOUR,
      floor.timezone,
    ).getTime()
  }
  const arrivalsEnd = zonedTimeToUtc(day, ARRIVALS_END_HOUR, floor.timezone).getTime()
  const bookingIdByArrival = new Map<number, string>()
  const cancelAt = new Map<number, number[]>()
  for (const request of evening.requests) {
    if (request.cancelledAfter === null) continue
    cancelAt.set(request.cancelledAfter, [...(cancelAt.get(request.cancelledAfter) ?? []), request.arrival])
  }
  const inlineMsById = new Map<string, number>()
  const tablesAtIntake: Record<number, string[]> = {}
  const total = evening.requests.length
  for (const request of evening.requests) {
    // evenly spaced arrivals: the model is arrival order, not booking lead times
    options.clock?.set(new Date(runStart + ((arrivalsEnd - runStart) * request.arrival) / total))
    // just before this request, where the first-come reference frees them too (cancelledBefore)
    for (const arrival of cancelAt.get(request.arrival) ?? []) {
      const id = bookingIdByArrival.get(arrival)
      if (id) await engine.bookings.cancel(id, 'simulator')
    }
    const answer = await engine.bookings.create({
      restaurant: options.slug,
      startAt: zonedTimeToUtc(day, hhmm(request.startMinutes), floor.timezone).toISOString(),
      partySize: request.partySize,
      ...(request.zone ? { zone: request.zone } : {}),
      guest: { name: `Guest ${request.arrival + 1}`, email: `guest-${request.arrival + 1}@simulated.example` },
      idempotencyKey: `sim-${evening.seed}-${request.arrival}`,
    })
    bookingIdByArrival.set(request.arrival, answer.booking.id)
    tablesAtIntake[request.arrival] = answer.booking.tables
    if (answer.autoAssign.outcome === 'confirmed') inlineMsById.set(answer.booking.id, answer.autoAssign.durationMs)
    options.onProgress?.(request.arrival + 1, total)
  }
  // back to where the run started: the next evening is played from the same moment
  options.clock?.set(new Date(now))
  const confirmed = await confirmedBookingIds(engine.db, restaurantId)
  await engine.events.flush()
  const reseated = await reseatedBookingIds(engine.db, restaurantId)
  const seated = [...bookingIdByArrival]
    .filter(([, id]) => confirmed.has(id))
    .map(([arrival]) => arrival)
    .sort((a, b) => a - b)
  const sizes = new Map(evening.requests.map((request) => [request.arrival, request.partySize]))
  const cancelled = evening.requests.filter((request) => request.cancelledAfter !== null).length
  return {
    seated,
    covers: seated.reduce((sum, arrival) => sum + sizes.get(arrival)!, 0),
    bookings: seated.length,
    unseated: total - cancelled - seated.length,
    tablesAtIntake,
    inlineMs: [...inlineMsById].filter(([id]) => !reseated.has(id)).map(([, ms]) => ms),
    reseatInlineMs: [...inlineMsById].filter(([id]) => reseated.has(id)).map(([, ms]) => ms),
  }
}
