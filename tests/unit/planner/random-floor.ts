// Seeded random floors and requests for the property tests (mulberry32 PRNG).
import type { QuoteInput, TableSpec } from '../../../planner/index'

export type Rng = () => number

export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T
const chance = (rng: Rng, p: number): boolean => rng() < p

export function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const tmp = xs[i] as T
    xs[i] = xs[j] as T
    xs[j] = tmp
  }
  return xs
}

const CAPACITIES = [2, 2, 2, 4, 4, 4, 4, 6, 6, 8, 1, 3, 5, 10, 0]

// ids chosen so that JavaScript string order differs from numeric and case-insensitive order
const ID_PREFIXES = ['A', 'a', 'B', 'b', 'T', 't', 'Z', '']

export interface RandomOptions {
  strategy?: string
  /** table count range; default 1..14 */
  minTables?: number
  maxTables?: number
}

export function randomQuoteInput(rng: Rng, options: RandomOptions = {}): QuoteInput {
  const nTables = int(rng, options.minTables ?? 1, options.maxTables ?? 14)
  // some floors have only one or two table sizes: many plans tie on overage and count
  const sizes = chance(rng, 0.2) ? [pick(rng, [2, 4]), pick(rng, [2, 4, 6])] : CAPACITIES
  const nZones = int(rng, 1, 3)
  const zones = Array.from({ length: nZones }, (_, i) => `zone-${i}`)
  const ids = new Set<string>()
  while (ids.size < nTables) ids.add(`${pick(rng, ID_PREFIXES)}${int(rng, 1, 40)}`)
  const tables: TableSpec[] = [...ids].map((id) => {
    const capacity = pick(rng, sizes)
    const t: TableSpec = { id, zoneId: pick(rng, zones), capacity }
    if (chance(rng, 0.2)) t.minParty = int(rng, 1, Math.max(1, capacity))
    if (chance(rng, 0.15)) t.maxParty = Math.max(0, capacity + int(rng, -2, 2))
    if (chance(rng, 0.15)) t.mergeable = false
    else if (chance(rng, 0.1)) t.mergeable = true
    if (chance(rng, 0.1)) t.active = false
    return t
  })

  const all = [...ids]
  const adjacency: Array<[string, string]> = []
  const density = 0.15 + rng() * 0.5
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i] as string
      const b = all[j] as string
      if (!chance(rng, density)) continue
      adjacency.push(chance(rng, 0.5) ? [a, b] : [b, a])
      if (chance(rng, 0.1)) adjacency.push([b, a]) // reversed duplicate
      if (chance(rng, 0.05)) adjacency.push([a, b]) // exact duplicate
    }
  }
  if (chance(rng, 0.2)) adjacency.push([pick(rng, all), 'ghost-table'])
  if (chance(rng, 0.1)) {
    const a = pick(rng, all)
    adjacency.push([a, a])
  }

  const start = 1_700_000_000_000 + int(rng, 0, 1000) * 60_000
  const end = start + int(rng, 1, 180) * 60_000
  const busy: QuoteInput['busy'] = []
  const occupancy = rng()
  for (const id of all) {
    if (!chance(rng, occupancy)) continue
    const kind = int(rng, 0, 6)
    if (kind === 0)
      busy.push({ tableId: id, start: end, end: end + 3_600_000 }) // touches after
    else if (kind === 1)
      busy.push({ tableId: id, start: start - 3_600_000, end: start }) // touches before
    else if (kind === 2)
      busy.push({ tableId: id, start: end - 1, end: end + 3_600_000 }) // 1 ms overlap
    else if (kind === 3)
      busy.push({ tableId: id, start: start - 3_600_000, end: start + 1 }) // 1 ms overlap
    else if (kind === 4)
      busy.push({ tableId: id, start: start + 1, end: start + 1 }) // empty window
    else {
      const s = start + int(rng, -240, 240) * 60_000
      busy.push({ tableId: id, start: s, end: s + int(rng, 15, 150) * 60_000 })
    }
  }
  if (chance(rng, 0.2)) busy.push({ tableId: 'ghost-table', start, end })

  const input: QuoteInput = {
    tables,
    adjacency,
    busy,
    partySize: chance(rng, 0.7) ? int(rng, 1, 8) : int(rng, 1, 24),
    window: { start, end },
    maxTables: int(rng, 1, 4),
    requireAdjacency: chance(rng, 0.6),
    limit: int(rng, 1, 8),
  }
  if (chance(rng, 0.3)) input.zoneId = chance(rng, 0.9) ? pick(rng, zones) : 'zone-missing'
  if (chance(rng, 0.3)) {
    input.avoidTableIds = Array.from({ length: int(rng, 1, 3) }, () => (chance(rng, 0.9) ? pick(rng, all) : 'ghost'))
  }
  if (options.strategy) {
    input.strategy = options.strategy
    if (options.strategy === 'zone_preference' && chance(rng, 0.8)) {
      input.preferredZoneIds = shuffle(
        rng,
        zones.filter(() => chance(rng, 0.6)),
      )
    }
    if (options.strategy === 'load_balancing' && chance(rng, 0.3)) {
      input.zoneLoad = Object.fromEntries(
        zones.filter(() => chance(rng, 0.5)).map((z) => [z, Math.round(rng() * 100) / 100]),
      )
    }
  }
  return input
}
