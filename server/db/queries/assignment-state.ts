import { sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import type { NewBooking } from '../schema/bookings.ts'

export interface TransitionRowInput {
  bookingId: string
  to: string
  /** the states it may move from: the state machine's table, narrowed by the caller */
  movableFrom: readonly string[]
  /** optimistic lock; null accepts any version */
  expectedVersion: number | null
  set: Partial<
    Pick<NewBooking, 'status' | 'confirmedAt' | 'cancelledAt' | 'manualReviewReason' | 'autoAssignLastResult'>
  >
  reason: string | null
  actor: string
  pipeline: string | null
  /**
   * the statement's own transaction commits without waiting for its WAL flush (synchronous_commit
   * off for it): only for a statement run outside any transaction of the caller's, whose loss in a
   * server crash is the same as the crash coming just before it (see the state machine's walk)
   */
  asyncCommit?: boolean
}

/**
 * One state transition in one statement: lock the row, move it when it is in one of `movableFrom`
 * (and at `expectedVersion`), bump the version, write the history row. Returns the row as it was
 * (current_state, current_version) joined with the updated booking's columns (null when nothing
 * moved), or undefined when there is no such booking. The caller (server/assignment/state-machine.ts)
 * tells a conflict from an illegal move. The `set` columns keep their value when not given.
 */
export async function transitionBookingRow(
  db: Executor,
  input: TransitionRowInput,
): Promise<Record<string, unknown> | undefined> {
  const { to, ...rest } = input
  return walkBookingRow(db, { ...rest, path: [to] })
}

export interface WalkRowInput extends Omit<TransitionRowInput, 'to'> {
  /** the states to pass through, in order; the booking ends in the last */
  path: readonly string[]
}

/**
 * Several transitions in one statement (V3's walk created -> ... -> assignment_in_progress; a single
 * transition is a path of one): the booking moves straight to the last state with its version
 * bumped once per step, and one history row per step, as if each had been its own statement. One
 * round trip instead of one per step (each costs milliseconds under load), and a walk cannot stop
 * halfway. `movableFrom` applies to the first step (the state machine checked the rest of the path).
 * The row is locked `for no key update`: enough to order the transitions of a booking (they all
 * take it), while rows that only reference the booking (its attempt row, written beside a
 * transition) need not wait for the transition's commit.
 */
export async function walkBookingRow(db: Executor, input: WalkRowInput): Promise<Record<string, unknown> | undefined> {
  const { set } = input
  const steps = input.path.length
  if (steps === 0) throw new Error('walkBookingRow: the path names no state to move to')
  const result = await db.execute(sql`
    with current_row as (
      select id, assignment_state, assignment_state_version from bookings where id = ${input.bookingId}
         for no key update
    ), steps as (
      select s.to_state, s.n::int as n from unnest(${`{${input.path.join(',')}}`}::text[]) with ordinality as s(to_state, n)
    ), updated as (
      update bookings b
         set assignment_state = ${input.path[steps - 1]}::assignment_state,
             assignment_state_version = b.assignment_state_version + ${steps}::int,
             status = coalesce(${set.status ?? null}::booking_status, b.status),
             confirmed_at = coalesce(${set.confirmedAt?.toISOString() ?? null}::timestamptz, b.confirmed_at),
             cancelled_at = coalesce(${set.cancelledAt?.toISOString() ?? null}::timestamptz, b.cancelled_at),
             manual_review_reason = coalesce(${set.manualReviewReason ?? null}::text, b.manual_review_reason),
             auto_assign_last_result = coalesce(${set.autoAssignLastResult ? JSON.stringify(set.autoAssignLastResult) : null}::jsonb,
                                                b.auto_assign_last_result),
             updated_at = now()
        from current_row c
       where b.id = c.id
         and c.assignment_state::text = any(${`{${input.movableFrom.join(',')}}`}::text[])
         and (${input.expectedVersion}::int is null or c.assignment_state_version = ${input.expectedVersion}::int)
      returning b.*
    ), history as (
      insert into assignment_state_history (booking_id, from_state, to_state, version, reason, actor, pipeline)
      select u.id, coalesce(p.to_state, c.assignment_state::text), s.to_state, c.assignment_state_version + s.n,
             ${input.reason}, ${input.actor}, ${input.pipeline}
        from updated u cross join current_row c cross join steps s
        left join steps p on p.n = s.n - 1
    )
    select c.assignment_state::text as current_state, c.assignment_state_version as current_version, u.*
           ${input.asyncCommit ? sql`, set_config('synchronous_commit', 'off', true) as async_commit` : sql``}
      from current_row c left join updated u on true`)
  return (result as unknown as { rows: Array<Record<string, unknown>> }).rows[0]
}
