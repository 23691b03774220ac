import { and, asc, count, eq, gt, lt, ne, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { runPrepared, type PreparedStatement } from '../prepared.ts'
import { assignmentAttempts } from '../schema/assignment.ts'
import { confirmationParams, type ConfirmationEmailParams, type ConfirmedAttemptParams } from './confirmation-params.ts'
import { bookings } from '../schema/bookings.ts'

/**
 * The restaurant's other bookings still waiting for tables whose window overlaps [start, end):
 * what V3's look-ahead keeps tables free for. Nearest start first and bounded, because each one
 * costs a planner call per candidate plan. The bookings_restaurant_start_idx serves it.
 */
export async function listCompetingBookings(
  db: Executor,
  input: { restaurantId: string; bookingId: string; start: Date; end: Date; limit: number },
) {
  return db
    .select({
      id: bookings.id,
      partySize: bookings.partySize,
      zoneId: bookings.zoneId,
      startAt: bookings.startAt,
      endAt: bookings.endAt,
    })
    .from(bookings)
    .where(
      and(
        eq(bookings.restaurantId, input.restaurantId),
        eq(bookings.status, 'pending_allocation'),
        ne(bookings.id, input.bookingId),
        lt(bookings.startAt, input.end),
        gt(bookings.endAt, input.start),
      ),
    )
    .orderBy(asc(bookings.startAt))
    .limit(input.limit)
}

/**
 * A booking's attempts two ways, in one read: those its background job made (the job's retry
 * budget) and those a pipeline made (the pipeline's next attempt number is this plus one). The
 * job reads both, so the V3 coordinator it hands the booking to need not count again.
 */
export async function countJobAndPipelineAttempts(
  db: Executor,
  input: { bookingId: string; jobTrigger: string; pipeline: string },
): Promise<{ byJob: number; byPipeline: number }> {
  const [row] = await db
    .select({
      byJob: sql<number>`count(*) filter (where ${assignmentAttempts.trigger} = ${input.jobTrigger})`,
      byPipeline: sql<number>`count(*) filter (where ${assignmentAttempts.pipeline} = ${input.pipeline})`,
    })
    .from(assignmentAttempts)
    .where(eq(assignmentAttempts.bookingId, input.bookingId))
  return { byJob: Number(row?.byJob ?? 0), byPipeline: Number(row?.byPipeline ?? 0) }
}

/** Attempts a pipeline has made for a booking: the next attempt's number is this plus one. */
export async function countPipelineAttempts(db: Executor, bookingId: string, pipeline: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(assignmentAttempts)
    .where(and(eq(assignmentAttempts.bookingId, bookingId), eq(assignmentAttempts.pipeline, pipeline)))
  return Number(row?.n ?? 0)
}

const seatStatement: PreparedStatement = {
  name: 'maitre_v3_seat_v1',
  text: `select outcome, email_queued, state_version, from_state, assigned_version
           from maitre_v3_seat($1::uuid, $2::uuid, $3::uuid, $4::uuid[], $5::timestamptz, $6::timestamptz,
                               $7::timestamptz, $8::timestamptz, $9::text[], $10, $11::jsonb, $12, $13, $14, $15,
                               $16, $17::uuid, $18::int, $19, $20::jsonb, $21, $22::timestamptz, $23::real,
                               $24::jsonb)`,
}

export interface SeatRow {
  outcome: string
  email_queued: boolean
  state_version: number | null
  from_state: string | null
  assigned_version: number | null
}

export interface SeatRowInput {
  restaurantId: string
  bookingId: string
  holdId: string
  tableIds: string[]
  window: { start: Date; end: Date }
  expiresAt: Date
  now: Date
  /** the states the machine lets into `via` that the caller acts from */
  fromStates: readonly string[]
  via: string
  lastResult: unknown
  actor: string
  email: ConfirmationEmailParams
  attempt: ConfirmedAttemptParams
}

/** maitre_v3_seat (migration 0014): hold, move into `via`, confirm; one statement, one transaction. */
export async function seatV3Row(db: Executor, input: SeatRowInput): Promise<SeatRow | undefined> {
  const [row] = await runPrepared<SeatRow>(db, seatStatement, [
    input.restaurantId,
    input.bookingId,
    input.holdId,
    `{${input.tableIds.join(',')}}`,
    input.window.start.toISOString(),
    input.window.end.toISOString(),
    input.expiresAt.toISOString(),
    input.now.toISOString(),
    `{${input.fromStates.join(',')}}`,
    input.via,
    JSON.stringify(input.lastResult),
    input.actor,
    ...confirmationParams(input.email, input.attempt),
  ])
  return row
}
