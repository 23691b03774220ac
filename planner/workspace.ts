// Scratch buffers of one floor, reused from quote to quote so that a quote allocates almost
// nothing: table flags, the local view of the zone being searched and the enumeration stacks.
// They hold no results: every quote overwrites what it reads. A workspace is lent to one quote
// at a time; a nested quote (say, from a `now` callback) gets fresh buffers.
import type { Floor } from './floor'
import { newZoneContext, type ZoneContext } from './zone-context'

export interface Workspace {
  inUse: boolean
  flags: Uint8Array
  busyUntil: Float64Array
  /** all -1 between uses */
  localIndex: Int32Array
  /** per twin class, all 0 between uses (planner/zone-context.ts TwinReduction) */
  twinKept: Int32Array
  zone: ZoneContext
}

const lent = new WeakMap<Floor, Workspace>()

export function createWorkspace(floor: Floor): Workspace {
  return {
    inUse: false,
    flags: new Uint8Array(floor.n),
    busyUntil: new Float64Array(floor.n),
    localIndex: new Int32Array(floor.n).fill(-1),
    twinKept: new Int32Array(floor.twinClassCount),
    zone: newZoneContext(floor.maxZoneSize, floor.nbrList.length),
  }
}

/** The floor's shared workspace, or fresh buffers when it is lent out (or `fresh` is asked). */
export function acquireWorkspace(floor: Floor, fresh: boolean): Workspace {
  if (fresh) return createWorkspace(floor)
  let ws = lent.get(floor)
  if (!ws) {
    ws = createWorkspace(floor)
    lent.set(floor, ws)
  } else if (ws.inUse) {
    return createWorkspace(floor)
  } else {
    ws.flags.fill(0)
  }
  ws.inUse = true
  return ws
}

export function releaseWorkspace(ws: Workspace): void {
  ws.inUse = false
}
