import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepOrphanedBookings } from '../../server/jobs/auto-assign-sweep.ts'
import { purgeStaleAutoAssignResults } from '../../server/db/queries/auto-assign-jobs.ts'
import { sqlExecutorOf } from '../../server/db/prepared.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { waitFor } from '../helpers/wait.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const oneTable = {
  name: 'One Table',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: [{ key: 'T1', zone: 'main', capacity: 2 }],
  adjacency: [],
}
const guest = { name: 'Grace Hopper', email: 'grace@example.com' }
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

async function jobsOf(engine: TestEngine, bookingId: string) {
  const { rows } = await engine.database.executeSql(
    `select id, state::text as state, start_after, created_on, extract(epoch from expire_in)::int as expire_s
       from pgboss.job where name = 'auto-assign' and singleton_key = $1 order by created_on, start_after`,
    [bookingId],
  )
  return rows as Array<{ id: string; state: string; start_after: Date; created_on: Date; expire_s: number }>
}

describe(`intake writes the first job with the booking (${driver})`, () => {
  let engine: TestEngine
  beforeAll(async () => {
    // no workers: the jobs stay where intake and the sweep put them
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' }, { workers: false })
    await engine.restaurants.putFloor('one-table', oneTable)
  })
  afterAll(() => engine.dispose())

  it('gives every booking a job, due now when the inline attempt failed, expiring within a minute', async () => {
    const seated = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(2), partySize: 2, guest })
    const queued = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(2), partySize: 2, guest })
    expect(seated.autoAssign.outcome).toBe('confirmed')
    expect(queued.autoAssign).toMatchObject({ outcome: 'queued', reason: 'NO_AVAILABILITY' })
    for (const answer of [seated, queued]) {
      const jobs = await jobsOf(engine, answer.booking.id)
      expect(jobs).toHaveLength(1)
      expect(jobs[0]!.state).toBe('created')
      // a dead worker's job comes back after expiry + maintenance (15 s): well within a minute
      expect(jobs[0]!.expire_s).toBe(30)
    }
    // the seated booking's job waits past the inline deadline; the queued one's is due at once
    const [seatedJob] = await jobsOf(engine, seated.booking.id)
    const [queuedJob] = await jobsOf(engine, queued.booking.id)
    expect(new Date(seatedJob!.start_after).getTime()).toBeGreaterThan(Date.now())
    expect(new Date(queuedJob!.start_after).getTime()).toBeLessThanOrEqual(Date.now() + 50)
  })

  it('still writes the job when recording the inline result fails', async () => {
    // a real database refusal of the auto_assign_last_result write
    await engine.database.executeSql(`
      create function refuse_last_result() returns trigger language plpgsql as $$
      begin
        if new.auto_assign_last_result is distinct from old.auto_assign_last_result then
          raise exception 'disk full (test)';
        end if;
        return new;
      end $$;
      create trigger refuse_last_result before update on bookings for each row execute function refuse_last_result();`)
    try {
      const answer = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(2), partySize: 2, guest })
      expect(answer.status).toBe(201)
      expect(answer.autoAssign.outcome).toBe('queued')
      const jobs = await jobsOf(engine, answer.booking.id)
      expect(jobs.map((job) => job.state)).toEqual(['created'])
    } finally {
      await engine.database.executeSql(
        'drop trigger refuse_last_result on bookings; drop function refuse_last_result();',
      )
    }
  })

  it('the sweep sends a job to an open booking that has none, once', async () => {
    const answer = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(3), partySize: 2, guest })
    const orphan = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(3), partySize: 2, guest })
    // what a crash between commit and enqueue used to leave behind
    await engine.database.executeSql(`delete from pgboss.job where singleton_key = $1`, [orphan.booking.id])
    await engine.database.executeSql(`update bookings set created_at = now() - interval '5 minutes' where id = $1`, [
      orphan.booking.id,
    ])
    const sweep = { db: engine.db, jobs: engine.jobs, events: engine.events, jobExpireInSeconds: 30 }
    expect(await sweepOrphanedBookings(sweep, new Date())).toEqual([orphan.booking.id])
    expect((await jobsOf(engine, orphan.booking.id)).map((job) => job.state)).toEqual(['created'])
    // a second sweep finds nothing to do; the confirmed booking was never touched
    expect(await sweepOrphanedBookings(sweep, new Date())).toEqual([])
    expect(await jobsOf(engine, answer.booking.id)).toHaveLength(1)
  })

  it('purges auto_assign_last_result older than 24 hours and keeps fresh ones', async () => {
    const old = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(4), partySize: 2, guest })
    const fresh = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(4), partySize: 2, guest })
    const dayAndHourAgo = new Date(Date.now() - 25 * 3600_000).toISOString()
    await engine.database.executeSql(
      `update bookings set auto_assign_last_result = jsonb_set(auto_assign_last_result, '{at}', to_jsonb($2::text)) where id = $1`,
      [old.booking.id, dayAndHourAgo],
    )
    const cutoff = new Date(Date.now() - 24 * 3600_000)
    expect(await purgeStaleAutoAssignResults(sqlExecutorOf(engine.db), cutoff, 1000)).toBe(1)
    const { rows } = await engine.database.executeSql(
      `select id, auto_assign_last_result is null as purged from bookings where id = any(array[$1::uuid, $2::uuid])`,
      [old.booking.id, fresh.booking.id],
    )
    expect(Object.fromEntries(rows.map((row) => [row.id, row.purged]))).toEqual({
      [old.booking.id]: true,
      [fresh.booking.id]: false,
    })
  })
})

describe(`a retry is a new scheduled job, not a sleeping worker (${driver})`, () => {
  let engine: TestEngine
  const spacingMs = 1_500
  beforeAll(async () => {
    engine = await createTestEngine(
      { FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' },
      {
        workerConcurrency: 1,
        retryTimings: { capacitySpacingMs: spacingMs, capacityAttempts: 3, maxAttempts: 5, transientBaseMs: 20 },
      },
    )
    await engine.restaurants.putFloor('one-table', oneTable)
  })
  afterAll(() => engine.dispose())

  it('keeps the attempt count and spacing of the policy, with no slot held between attempts', async () => {
    const seated = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(2), partySize: 2, guest })
    expect(seated.autoAssign.outcome).toBe('confirmed')
    const queued = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(2), partySize: 2, guest })
    const second = await engine.bookings.create({ restaurant: 'one-table', startAt: inDays(2), partySize: 2, guest })
    const id = queued.booking.id

    // after job attempt 1 the next job waits, due one spacing (±20 % jitter) later
    const waiting = await waitFor(async () => {
      const jobs = await jobsOf(engine, id)
      return jobs.length === 2 && jobs[0]!.state === 'completed' && jobs[1]!.state === 'created' ? jobs : undefined
    }, 20_000)
    const delay = new Date(waiting[1]!.start_after).getTime() - new Date(waiting[1]!.created_on).getTime()
    expect(delay).toBeGreaterThanOrEqual(spacingMs * 0.8 - 50)
    expect(delay).toBeLessThanOrEqual(spacingMs * 1.2 + 50)

    const reviewed = await waitFor(async () => {
      const booking = await engine.bookings.get(id)
      return booking.assignmentState === 'manual_review' ? booking : undefined
    }, 30_000)
    expect(reviewed.manualReviewReason).toBe('NO_AVAILABILITY')
    const attempts = await engine.database.executeSql(
      `select trigger, attempt_number from assignment_attempts where booking_id = $1 and trigger = 'job' order by attempt_number`,
      [id],
    )
    expect(attempts.rows.map((row) => row.attempt_number)).toEqual([1, 2, 3])
    // the only worker slot was free between the first booking's attempts: the second booking's
    // first attempt ran in the gap (a sleeping handler would have held the slot for 2 spacings)
    const order = await engine.database.executeSql(
      `select booking_id, attempt_number from assignment_attempts where trigger = 'job' and booking_id = any(array[$1::uuid, $2::uuid]) order by started_at`,
      [id, second.booking.id],
    )
    const sequence = order.rows.map((row) => `${row.booking_id === id ? 'A' : 'B'}${row.attempt_number}`)
    expect(sequence.indexOf('B1')).toBeLessThan(sequence.indexOf('A2'))
    const jobs = await jobsOf(engine, id)
    expect(jobs.map((job) => job.state)).toEqual(['completed', 'completed', 'completed'])

    await engine.events.flush()
    const events = await engine.database.executeSql(
      `select event_type, context from observability_events
        where booking_id = $1 and event_type in ('auto_assign.summary', 'auto_assign.failed') order by event_type`,
      [id],
    )
    expect(events.rows.map((row) => row.event_type)).toEqual(['auto_assign.failed', 'auto_assign.summary'])
    expect(events.rows[0]!.context).toMatchObject({ result: 'exhausted', attempts_used: 3, reason: 'NO_AVAILABILITY' })
  })
})
