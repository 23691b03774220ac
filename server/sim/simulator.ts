import type { Engine } from '../engine.ts'
import { listZones } from '../db/queries/restaurants.ts'
import { simulatedBooking, type SimRestaurant } from './traffic.ts'
import { seededRandom } from './seeded-random.ts'
import { DEMO_RESTAURANTS } from './demo-floors.ts'

/** The only restaurants the simulator books into: restaurants people create are never touched. */
export const SIMULATED_RESTAURANT_SLUGS: ReadonlySet<string> = new Set(DEMO_RESTAURANTS.map((r) => r.slug))

/** Milliseconds between steady-traffic ticks for a rate in bookings per minute (0: no steady traffic). */
export function simulatorIntervalMs(bookingsPerMinute: number): number {
  return bookingsPerMinute > 0 ? Math.max(10, Math.round(60_000 / bookingsPerMinute)) : 0
}

export interface SimulatorOptions {
  /** bookings made at once when the simulator starts, so every page has data */
  initialBookings?: number
  /** then one booking every this many ms (0: no steady traffic) */
  intervalMs?: number
  /** share of steady-traffic ticks that cancel a random earlier booking instead */
  cancelShare?: number
  seed?: number
  log?: (line: string) => void
}

/**
 * Demo traffic through the real intake path (validation, inline auto-assign, jobs), so the
 * dashboards, events and manual-review queue fill the way they would in production. It books only
 * into the demo restaurants (SIMULATED_RESTAURANT_SLUGS) and cancels only bookings it made itself.
 */
export async function startSimulator(engine: Engine, options: SimulatorOptions = {}) {
  const random = seededRandom(options.seed ?? 20261123)
  const log = options.log ?? (() => {})
  const restaurants: SimRestaurant[] = []
  for (const restaurant of await engine.restaurants.list()) {
    if (!SIMULATED_RESTAURANT_SLUGS.has(restaurant.slug)) continue
    restaurants.push({
      slug: restaurant.slug,
      timezone: restaurant.timezone,
      servicePeriods: restaurant.servicePeriods,
      zoneKeys: (await listZones(engine.db, restaurant.id)).map((zone) => zone.key),
    })
  }
  const made: string[] = []
  let stopped = false
  let inFlight: Promise<unknown> = Promise.resolve()

  async function book() {
    try {
      const answer = await engine.bookings.create(
        simulatedBooking(restaurants, random, new Date(), { horizonDays: 14 }),
      )
      made.push(answer.booking.id)
    } catch (error) {
      log(`simulator: booking failed: ${(error as Error).message}`)
    }
  }

  if (restaurants.length === 0) {
    log('simulator: no demo restaurants in this database, so no simulated traffic')
    return { stop: async () => {}, made, restaurants: [] as string[] }
  }
  const initial = options.initialBookings ?? 0
  for (let i = 0; i < initial && !stopped; i++) await book()
  if (initial > 0) log(`simulator: made ${initial} demo bookings`)

  const timer =
    (options.intervalMs ?? 0) > 0
      ? setInterval(() => {
          if (stopped) return
          inFlight = inFlight.then(async () => {
            if (random() < (options.cancelShare ?? 0.1) && made.length > 0) {
              const id = made.splice(Math.floor(random() * made.length), 1)[0]!
              await engine.bookings.cancel(id, 'simulator').catch(() => {})
            } else {
              await book()
            }
          })
        }, options.intervalMs)
      : undefined
  timer?.unref()

  return {
    made,
    /** slugs it books into */
    restaurants: restaurants.map((restaurant) => restaurant.slug),
    async stop() {
      stopped = true
      if (timer) clearInterval(timer)
      await inFlight
    },
  }
}
