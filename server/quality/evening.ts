import type { FloorInput } from '../restaurants/floor-schema.ts'
import { seededRandom } from '../sim/seeded-random.ts'

/** One booking request of a simulated evening, in the order the requests arrive. */
export interface EveningRequest {
  /** position in arrival order, from 0 */
  arrival: number
  partySize: number
  /** local start time, minutes after midnight */
  startMinutes: number
  /** a zone key, when the guest asked for one */
  zone: string | null
  /**
   * the booking is cancelled after the requests before this arrival index and before this one
   * (cancelledBefore); null when it is kept
   */
  cancelledAfter: number | null
}

/**
 * Whether a booking with `cancelledAfter` is gone when request `arrival` comes: the engine's run
 * (run-evening.ts) cancels it just before request `cancelledAfter`, as a replayed day does (the
 * first booking made after the cancellation, replay.ts), and the first-come reference
 * (references.ts) must free its tables at that same point, or the two play different evenings.
 */
export function cancelledBefore(cancelledAfter: number | null, arrival: number): boolean {
  return cancelledAfter !== null && cancelledAfter <= arrival
}

export interface Evening {
  /** 0 for a replayed day */
  seed: number
  profile: EveningProfile | 'replay'
  requests: EveningRequest[]
}

export type EveningProfile = 'peak' | 'flat'
export const EVENING_PROFILES: readonly EveningProfile[] = ['peak', 'flat']

export interface EveningOptions {
  seed: number
  /** number of requests; default 80 */
  count?: number
  /** 'peak': most starts between 19:00 and 20:30; 'flat': spread over 18:00-22:00 */
  profile?: EveningProfile
  /** share of requests cancelled later in the evening's arrival order; default 0.05 */
  cancelShare?: number
  /** share of requests that ask for a zone; default 0.1 */
  zoneShare?: number
}

// Party sizes of a dinner service: mostly twos and fours, a tail of groups that need merged tables.
const PARTY_WEIGHTS: Array<[number, number]> = [
  [1, 3],
  [2, 44],
  [3, 12],
  [4, 22],
  [5, 6],
  [6, 7],
  [7, 2],
  [8, 3],
  [10, 1],
]

function weighted(random: () => number): number {
  const total = PARTY_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0)
  let roll = random() * total
  for (const [size, weight] of PARTY_WEIGHTS) {
    roll -= weight
    if (roll < 0) return size
  }
  return 2
}

function startMinutes(profile: EveningProfile, random: () => number): number {
  // quarter hours; the peak profile puts 70% of starts in 19:00-20:30 as the evenings do
  const quarters =
    profile === 'peak' && random() < 0.7
      ? 19 * 4 + Math.floor(random() * 7) // 19:00 .. 20:30
      : 18 * 4 + Math.floor(random() * 17) // 18:00 .. 22:00
  return quarters * 15
}

/**
 * A reproducible evening: `count` requests arriving in random order (they arrive days ahead, so
 * arrival order is unrelated to start time), start times by profile, party sizes from the usual
 * distribution, a few zone preferences and a few cancellations later in the arrival order.
 */
export function generateEvening(floor: FloorInput, options: EveningOptions): Evening {
  const random = seededRandom(options.seed)
  const count = options.count ?? 80
  const profile = options.profile ?? 'peak'
  const zoneKeys = floor.zones.map((zone) => zone.key)
  const largest = Math.max(...floor.tables.map((table) => table.capacity)) * 3
  const requests: EveningRequest[] = []
  for (let arrival = 0; arrival < count; arrival++) {
    const partySize = Math.min(weighted(random), largest)
    const zone =
      zoneKeys.length > 1 && random() < (options.zoneShare ?? 0.1)
        ? zoneKeys[Math.floor(random() * zoneKeys.length)]!
        : null
    const cancelled = random() < (options.cancelShare ?? 0.05) && arrival < count - 1
    requests.push({
      arrival,
      partySize,
      startMinutes: startMinutes(profile, random),
      zone,
      cancelledAfter: cancelled ? arrival + 1 + Math.floor(random() * (count - arrival - 1)) : null,
    })
  }
  return { seed: options.seed, profile, requests }
}
