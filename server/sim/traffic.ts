import type { ServicePeriod } from '../db/schema/restaurants.ts'
import { localDate, zonedTimeToUtc } from './local-time.ts'

export interface SimRestaurant {
  slug: string
  timezone: string
  servicePeriods: ServicePeriod[]
  zoneKeys: string[]
}

// Party sizes as restaurants see them: mostly twos and fours, a tail of groups.
const PARTY_WEIGHTS: Array<[number, number]> = [
  [1, 4],
  [2, 42],
  [3, 10],
  [4, 22],
  [5, 6],
  [6, 7],
  [7, 2],
  [8, 3],
  [10, 2],
  [12, 1],
  [16, 1],
]
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Tim']
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Berners-Lee',
]

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!
}

function partySize(random: () => number): number {
  const total = PARTY_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = random() * total
  for (const [size, weight] of PARTY_WEIGHTS) {
    roll -= weight
    if (roll < 0) return size
  }
  return 2
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
const toHhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/**
 * One realistic booking request: a restaurant, a day within `horizonDays`, a quarter-hour inside a
 * service period (in the restaurant's time zone), a party size from the usual distribution, and
 * now and then a zone preference.
 */
export function simulatedBooking(
  restaurants: SimRestaurant[],
  random: () => number,
  now: Date,
  options: { horizonDays?: number; zoneShare?: number; idempotencyKey?: string } = {},
) {
  const restaurant = pick(restaurants, random)
  const horizonDays = options.horizonDays ?? 21
  for (let tries = 0; tries < 20; tries++) {
    const dayOffset = 1 + Math.floor(random() * horizonDays)
    const day = localDate(new Date(now.getTime() + dayOffset * 86_400_000), restaurant.timezone)
    const weekday = ((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7) + 1
    const periods = restaurant.servicePeriods.filter((period) => period.days.includes(weekday))
    const period = periods.length > 0 ? pick(periods, random) : { opens: '18:00', closes: '22:00' }
    const opens = toMinutes(period.opens)
    const lastSeating = Math.max(opens, toMinutes(period.closes) - 60)
    const quarter = opens + 15 * Math.floor(random() * Math.floor((lastSeating - opens) / 15 + 1))
    const startAt = zonedTimeToUtc(day, toHhmm(quarter), restaurant.timezone)
    if (startAt.getTime() <= now.getTime() + 3_600_000) continue
    const first = pick(FIRST_NAMES, random)
    const last = pick(LAST_NAMES, random)
    const wantsZone = restaurant.zoneKeys.length > 1 && random() < (options.zoneShare ?? 0.15)
    return {
      restaurant: restaurant.slug,
      startAt: startAt.toISOString(),
      partySize: partySize(random),
      ...(wantsZone ? { zone: pick(restaurant.zoneKeys, random) } : {}),
      guest: {
        name: `${first} ${last}`,
        email: `${first}.${last}.${Math.floor(random() * 1e6)}@guests.example`.toLowerCase(),
      },
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    }
  }
  throw new Error(`could not find a future service slot at ${restaurant.slug}`)
}
