import type { BusyWindow } from '../../../planner/index.ts'
import type { Database } from '../client.ts'
import { runPrepared, type PreparedStatement } from '../prepared.ts'

/** What the planner needs to know about a restaurant's tables around one booking. */
export interface Availability {
  floorVersion: number
  availabilityVersion: number
  /** live allocations overlapping the window: assignments, and holds that have not expired */
  busy: BusyWindow[]
  /**
   * tables a peak-pacing rule keeps from this booking's party (server/assignment/pacing.ts):
   * every quote avoids them; absent when no rule applies
   */
  heldTableIds?: string[]
}

/**
 * SQL for the busy windows of restaurant `r` as a JSON array of [table_id, start_ms, end_ms]:
 * allocations overlapping [start, end) that are assignments or holds still alive at `now`.
 */
export function busyWindowsJson(start: string, end: string, now: string): string {
  return `coalesce((
      select json_agg(json_build_array(
               a.table_id,
               (extract(epoch from lower(a."window")) * 1000)::float8,
               (extract(epoch from upper(a."window")) * 1000)::float8))
        from table_allocations a
       where a.restaurant_id = r.id
         and a.released_at is null
         and a."window" && tstzrange(${start}, ${end}, '[)')
         and (a.kind = 'assignment' or a.hold_expires_at > ${now})
    ), '[]'::json)`
}

export interface AvailabilityColumns {
  floor_version: number | string
  availability_version: number | string
  busy: unknown
}

export function availabilityFromRow(row: AvailabilityColumns): Availability {
  // json arrives parsed from node-postgres and PGlite alike; a string only if a driver changes that
  const busy = (typeof row.busy === 'string' ? JSON.parse(row.busy) : row.busy) as Array<[string, number, number]>
  return {
    floorVersion: Number(row.floor_version),
    availabilityVersion: Number(row.availability_version),
    busy: busy.map(([tableId, start, end]) => ({ tableId, start: Number(start), end: Number(end) })),
  }
}

const loadAvailabilityStatement: PreparedStatement = {
  name: 'maitre_load_availability_v1',
  text: `select r.floor_version, r.availability_version,
                ${busyWindowsJson('$2::timestamptz', '$3::timestamptz', '$4::timestamptz')} as busy
           from restaurants r
          where r.id = $1::uuid`,
}

/**
 * The restaurant's versions and the busy windows around one booking, in one statement: one round
 * trip, and the busy list is exactly the state the versions name.
 */
export async function loadAvailability(
  db: Database,
  restaurantId: string,
  window: { start: Date; end: Date },
  now: Date,
): Promise<Availability | null> {
  const [row] = await runPrepared<AvailabilityColumns>(db, loadAvailabilityStatement, [
    restaurantId,
    window.start.toISOString(),
    window.end.toISOString(),
    now.toISOString(),
  ])
  return row ? availabilityFromRow(row) : null
}
