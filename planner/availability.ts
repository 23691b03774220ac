// Per-request table flags: which tables are busy during the window (and until when) and which are
// avoided. Busy windows are half-open: [a, b) blocks the request [s, e) iff a < e && s < b.
// An empty busy window (a == b) blocks nothing; a reversed one (b < a), a non-finite bound or a
// non-string tableId makes the request INVALID_REQUEST. Busy windows of unknown tables are ignored.
import type { Floor } from './floor'

export const BUSY = 1
export const AVOIDED = 2

export interface Availability {
  /** bit flags per table: BUSY | AVOIDED */
  flags: Uint8Array
  /** for busy tables: the latest end among the busy windows overlapping the request */
  busyUntil: Float64Array
  /** active tables that are busy or avoided */
  excludedActive: number
}

/** Fill `flags` (all 0 on entry) and `busyUntil`; false for a malformed busy window. */
export function readAvailability(
  floor: Floor,
  availability: Availability,
  busy: unknown[],
  avoidTableIds: string[],
  windowStart: number,
  windowEnd: number,
): boolean {
  const { flags, busyUntil } = availability
  const idIndex = floor.idIndex
  let excluded = 0
  for (let i = 0; i < busy.length; i++) {
    const b = busy[i] as { tableId?: unknown; start?: unknown; end?: unknown } | null
    if (typeof b !== 'object' || b === null) return false
    const { tableId, start, end } = b
    if (typeof tableId !== 'string' || typeof start !== 'number' || typeof end !== 'number') return false
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return false
    if (!(start < windowEnd && windowStart < end && start < end)) continue
    const t = idIndex.get(tableId)
    if (t === undefined) continue
    if (flags[t] === 0) {
      busyUntil[t] = end
      flags[t] = BUSY
      excluded += floor.active[t] as number
    } else if (end > (busyUntil[t] as number)) {
      busyUntil[t] = end
    }
  }
  for (const id of avoidTableIds) {
    const t = idIndex.get(id)
    if (t === undefined) continue
    if (flags[t] === 0) excluded += floor.active[t] as number
    flags[t] = (flags[t] as number) | AVOIDED
  }
  availability.excludedActive = excluded
  return true
}
