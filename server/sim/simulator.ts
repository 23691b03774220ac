import type { Engine } from '../engine.ts'
import { listZones } from '../db/queries/restaurants.ts'
import { simulatedBooking, type SimRestaurant } from './traffic.ts'
import { seededRandom } from './seeded-random.ts'

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
 * dashboards, events and manual-review queue fill the way they would in production.
 */
export async function startSimulator(engine: Engine, options: SimulatorOptions = {}) {
  const random = seededRandom(options.seed ?? 20261123)
  const log = options.log ?? (() => {})
  const restaurants: SimRestaurant[] = []
  for (const restaurant of await engine.restaurants.list()) {
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

  if (restaurants.length === 0) return { stop: async () => {}, made }
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
    async stop() {
      stopped = true
      if (timer) clearInterval(timer)
      await inFlight
    },
  }
}
