import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { waitFor } from '../helpers/wait.ts'

const twelveTwoTops = {
  name: 'Twelve Two-Tops',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: Array.from({ length: 12 }, (_, i) => ({
    key: `T${String(i + 1).padStart(2, '0')}`,
    zone: 'main',
    capacity: 2,
  })),
  adjacency: Array.from({ length: 11 }, (_, i) => [
    `T${String(i + 1).padStart(2, '0')}`,
    `T${String(i + 2).padStart(2, '0')}`,
  ]),
}

describe(`120 concurrent bookings for one slot of 12 two-tops (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' }, { workerConcurrency: 8 })
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/slot', twelveTwoTops)).status).toBe(200)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('confirms exactly 12, never overlaps, queues the rest into manual review, one confirmation each', async () => {
    const startAt = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        api.request('POST', '/api/bookings', {
          restaurant: 'slot',
          startAt,
          partySize: 2,
          guest: { name: `Guest ${i}`, email: `guest${i}@example.com` },
        }),
      ),
    )
    expect(answers.every((a) => a.status === 201)).toBe(true)
    const inlineConfirmed = answers.filter((a) => a.body.autoAssign.outcome === 'confirmed')
    const queued = answers.filter((a) => a.body.autoAssign.outcome !== 'confirmed')
    expect(inlineConfirmed.length).toBeLessThanOrEqual(12)

    // every queued booking ends in manual review (the slot is full); none stays pending
    const settled = await waitFor(
      async () => {
        const rows = await engine.database.executeSql(
          `select assignment_state, count(*)::int as n from bookings group by assignment_state`,
        )
        const byState = Object.fromEntries(rows.rows.map((r) => [r.assignment_state as string, Number(r.n)]))
        return (byState.confirmed ?? 0) + (byState.manual_review ?? 0) === 120 ? byState : undefined
      },
      60_000,
      'all bookings to settle',
    )
    expect(settled).toEqual({ confirmed: 12, manual_review: 108 })
    expect(queued.length).toBe(108 + (12 - inlineConfirmed.length))

    const overlaps = await engine.database.executeSql(`
      select count(*)::int as n from table_allocations a join table_allocations b
        on a.table_id = b.table_id and a.id < b.id and a."window" && b."window"
       where a.released_at is null and b.released_at is null`)
    expect(overlaps.rows[0]!.n).toBe(0)
    const live = await engine.database.executeSql(
      `select kind, count(*)::int as n from table_allocations where released_at is null group by kind`,
    )
    expect(live.rows).toEqual([{ kind: 'assignment', n: 12 }])

    const emails = await engine.database.executeSql(`
      select b.status, count(e.id)::int as emails from bookings b left join email_outbox e on e.booking_id = b.id
       group by b.id, b.status`)
    for (const row of emails.rows as Array<{ status: string; emails: number }>) {
      expect(row.emails).toBe(row.status === 'confirmed' ? 1 : 0)
    }

    const reasons = await engine.database.executeSql(
      `select manual_review_reason as reason, count(*)::int as n from bookings where assignment_state = 'manual_review' group by 1`,
    )
    expect(reasons.rows).toEqual([{ reason: 'NO_AVAILABILITY', n: 108 }])
    const history = await engine.database.executeSql(
      `select count(*)::int as n from assignment_state_history where to_state = 'manual_review'`,
    )
    expect(history.rows[0]!.n).toBe(108)
    // each booking the inline attempt did not seat left `created` exactly once: normally by the
    // inline path (to assignment_pending), or, when the inline work overran its deadline under the
    // burst, by its job, which is due right after that deadline (both are legal; never both)
    const queuedIds = queued.map((a) => a.body.booking.id as string)
    const leftCreated = await engine.database.executeSql(
      `select count(*)::int as n, count(distinct booking_id)::int as bookings,
              count(*) filter (where actor = 'auto_assign:inline')::int as by_inline,
              count(*) filter (where actor = 'auto_assign:inline' and (to_state <> 'assignment_pending' or version <> 1))::int as odd_inline
         from assignment_state_history
        where from_state = 'created' and booking_id = any($1::uuid[])`,
      [queuedIds],
    )
    expect(leftCreated.rows[0]).toMatchObject({ n: queued.length, bookings: queued.length, odd_inline: 0 })
    // the job taking over first is the exception, not the rule
    expect(Number(leftCreated.rows[0]!.by_inline)).toBeGreaterThanOrEqual(queued.length * 0.9)
  })
})
