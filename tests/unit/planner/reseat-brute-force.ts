// Random small re-seating instances and a brute force over every valid plan: the yardstick of
// findReseating (reseat.test.ts) and of its exact MIP fallback (tests/unit/reseat-exact.test.ts).
import type { MovableBooking, ReseatInput } from '../../../planner/index.ts'
import type { TableSpec } from '../../../planner/types.ts'
import { isValidPlan } from './reference-model.ts'

export const H = 3_600_000
export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end

/** `count` tables of one zone (two-, four- and six-tops) and random adjacency between them. */
export function randomFloor(random: () => number, count: number) {
  const tables: TableSpec[] = Array.from({ length: count }, (_, index) => ({
    id: `t${index}`,
    zoneId: 'z',
    capacity: [2, 2, 4, 6][Math.floor(random() * 4)]!,
  }))
  const adjacency: Array<[string, string]> = []
  for (let a = 0; a < count; a++)
    for (let b = a + 1; b < count; b++) if (random() < 0.45) adjacency.push([`t${a}`, `t${b}`])
  return { tables, adjacency }
}

export function randomInstance(random: () => number): ReseatInput {
  const count = 4 + Math.floor(random() * 3)
  const { tables, adjacency } = randomFloor(random, count)
  // lay bookings one by one on a free valid single or pair, as an engine would have
  const movable: MovableBooking[] = []
  const fixedBusy: ReseatInput['fixedBusy'] = []
  const occupied: Array<{ tableIds: string[]; window: { start: number; end: number } }> = []
  for (let n = 0; n < 5; n++) {
    const start = 18 * H + Math.floor(random() * 6) * (H / 2)
    const window = { start, end: start + 2 * H }
    const partySize = 1 + Math.floor(random() * 5)
    const ids = tables.map((table) => table.id)
    const candidates: string[][] = []
    for (let mask = 1; mask < 1 << count; mask++) {
      const subset = ids.filter((_, index) => mask & (1 << index))
      if (subset.length > 2) continue
      const input = { tables, adjacency, busy: [], partySize, window, maxTables: 3 }
      if (!isValidPlan(input, subset)) continue
      if (occupied.some((o) => overlaps(o.window, window) && o.tableIds.some((id) => subset.includes(id)))) continue
      candidates.push(subset)
    }
    if (candidates.length === 0) continue
    const tableIds = candidates[Math.floor(random() * candidates.length)]!
    occupied.push({ tableIds, window })
    if (random() < 0.25) fixedBusy.push(...tableIds.map((tableId) => ({ tableId, ...window })))
    else movable.push({ id: `b${n}`, partySize, window, tableIds, zoneId: 'z' })
  }
  const start = 18 * H + Math.floor(random() * 6) * (H / 2)
  return {
    tables,
    adjacency,
    fixedBusy,
    movable,
    request: { partySize: 1 + Math.floor(random() * 7), window: { start, end: start + 2 * H } },
  }
}

function validPlans(input: ReseatInput, partySize: number, window: { start: number; end: number }): string[][] {
  const ids = input.tables.map((table) => table.id)
  const plans: string[][] = []
  for (let mask = 1; mask < 1 << ids.length; mask++) {
    const subset = ids.filter((_, index) => mask & (1 << index))
    const busy = input.fixedBusy
    if (
      isValidPlan({ tables: input.tables, adjacency: input.adjacency, busy, partySize, window, maxTables: 3 }, subset)
    ) {
      plans.push(subset)
    }
  }
  return plans
}

/**
 * Fewest moves over every assignment of every valid plan (not only minimal ones) to the new booking
 * and every movable booking (chains included); null: impossible.
 */
export function bruteForceMoves(input: ReseatInput): number | null {
  const items = [
    {
      booking: null as MovableBooking | null,
      window: input.request.window,
      plans: validPlans(input, input.request.partySize, input.request.window),
    },
    ...input.movable.map((booking) => ({
      booking,
      window: booking.window,
      plans: validPlans(input, booking.partySize, booking.window),
    })),
  ]
  let best: number | null = null
  const chosen: string[][] = []
  const visit = (index: number, moves: number) => {
    if (best !== null && moves >= best) return
    if (index === items.length) {
      best = moves
      return
    }
    const item = items[index]!
    for (const plan of item.plans) {
      if (chosen.some((other, o) => overlaps(items[o]!.window, item.window) && other.some((id) => plan.includes(id))))
        continue
      chosen.push(plan)
      const moved = item.booking !== null && [...item.booking.tableIds].sort().join() !== [...plan].sort().join()
      visit(index + 1, moves + (moved ? 1 : 0))
      chosen.pop()
    }
  }
  visit(0, 0)
  return best
}

/**
 * What is wrong with an answer, or null when it is a rearrangement: every booking (moved or not)
 * and the new one at a valid plan clear of the fixed windows where it moved, no two overlapping
 * windows sharing a table, and only movable bookings moved, each once.
 */
export function rearrangementProblem(
  input: ReseatInput,
  answer: { plan: { tableIds: string[] }; moves: Array<{ bookingId: string; from: string[]; to: string[] }> },
): string | null {
  const ids = new Set(input.movable.map((booking) => booking.id))
  const movedIds = answer.moves.map((move) => move.bookingId)
  if (movedIds.some((id) => !ids.has(id))) return 'moved a booking that is not movable'
  if (new Set(movedIds).size !== movedIds.length) return 'moved a booking twice'
  const placed = [
    {
      id: 'new',
      window: input.request.window,
      tableIds: answer.plan.tableIds,
      partySize: input.request.partySize,
      zoneId: input.request.zoneId ?? null,
      moved: true,
    },
    ...input.movable.map((booking) => {
      const move = answer.moves.find((one) => one.bookingId === booking.id)
      if (move && [...move.from].sort().join() !== [...booking.tableIds].sort().join()) return null
      return {
        id: booking.id,
        window: booking.window,
        partySize: booking.partySize,
        zoneId: booking.zoneId,
        tableIds: move?.to ?? booking.tableIds,
        moved: move !== undefined,
      }
    }),
  ]
  if (placed.some((one) => one === null)) return 'a move does not start where its booking sits'
  const all = placed as Array<NonNullable<(typeof placed)[number]>>
  for (const [index, one] of all.entries()) {
    if (one.moved) {
      const check = {
        tables: input.tables,
        adjacency: input.adjacency,
        busy: input.fixedBusy,
        partySize: one.partySize,
        window: one.window,
        zoneId: one.zoneId,
        maxTables: input.maxTables ?? 3,
        requireAdjacency: input.requireAdjacency ?? true,
      }
      if (!isValidPlan(check, one.tableIds)) return `${one.id} at an invalid plan ${one.tableIds.join('+')}`
    }
    for (const other of all.slice(index + 1)) {
      if (overlaps(one.window, other.window) && one.tableIds.some((id) => other.tableIds.includes(id)))
        return `${one.id} and ${other.id} share a table`
    }
  }
  return null
}
