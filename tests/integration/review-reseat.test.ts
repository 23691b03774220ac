import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { pairToMoveForReview } from '../helpers/review-floor.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'

async function sql<T = Record<string, unknown>>(engine: TestEngine, text: string, values: unknown[] = []) {
  return (await engine.database.executeSql(text, values)).rows as T[]
}

async function liveTables(engine: TestEngine, bookingId: string): Promise<string[]> {
  const rows = await sql<{ key: string }>(
    engine,
    `select t.key from table_allocations a join tables t on t.id = a.table_id
      where a.booking_id = $1 and a.released_at is null order by t.key`,
    [bookingId],
  )
  return rows.map((row) => row.key)
}

/**
 * A two-top and a four-top: a pair sits at the four-top (the two-top was taken when it booked,
 * then freed), and a party of 4 waits in review. Only moving the pair seats it. Re-seating is off
 * for the engine, so only a person can choose to move the pair.
 */
describe(`review: seat by moving others (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  let pair: { id: string; reference: string }
  let four: string
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' })
    api = await serveApi(engine)
    ;({ pair, four } = await pairToMoveForReview(engine, 'review-reseat'))
  })
  afterAll(async () => {
    await api?.close()
    await engine?.dispose()
  })

  it('suggests seating the booking by moving the pair, in words', async () => {
    const { status, body } = await api.request('GET', `/api/review/${four}`)
    expect(status).toBe(200)
    expect(body.suggestions[0]).toMatchObject({
      tables: ['T4'],
      relaxed: ['reseat'],
      label: `Seat by moving ${pair.reference} from T4 to T2`,
      reseat: [{ reference: pair.reference, from: ['T4'], to: ['T2'] }],
    })
  })

  it('moves nobody when the pair changed since the suggestion (pinned): 409, all in place', async () => {
    const { body } = await api.request('GET', `/api/review/${four}`)
    const suggestion = body.suggestions[0]
    await sql(engine, 'update bookings set pinned = true where id = $1', [pair.id])
    try {
      const answer = await api.request('POST', `/api/review/${four}/seat`, {
        tables: suggestion.tables,
        expectedVersion: body.booking.version,
        suggestion: suggestion.id,
      })
      expect(answer.status).toBe(409)
      expect(answer.body.error).toMatchObject({
        code: 'RESEAT_STALE',
        message: expect.stringContaining(pair.reference),
      })
      expect(await liveTables(engine, pair.id)).toEqual(['T4'])
      expect(await liveTables(engine, four)).toEqual([])
      const [row] = await sql<{ assignment_state: string }>(
        engine,
        'select assignment_state from bookings where id = $1',
        [four],
      )
      expect(row!.assignment_state).toBe('manual_review')
    } finally {
      await sql(engine, 'update bookings set pinned = false where id = $1', [pair.id])
    }
  })

  it('seats it when staff pick the suggestion: the move and the seat together, the move recorded', async () => {
    const { body } = await api.request('GET', `/api/review/${four}`)
    const suggestion = body.suggestions[0]
    const answer = await api.request('POST', `/api/review/${four}/seat`, {
      tables: suggestion.tables,
      expectedVersion: body.booking.version,
      suggestion: suggestion.id,
    })
    expect(answer.status).toBe(200)
    expect(answer.body.booking).toMatchObject({ status: 'confirmed', tables: ['T4'] })
    expect(await liveTables(engine, pair.id)).toEqual(['T2'])
    expect(await liveTables(engine, four)).toEqual(['T4'])
    await engine.events.flush()
    const moved = await sql<{ context: Record<string, unknown> }>(
      engine,
      `select context from observability_events where event_type = 'booking.reseated' and booking_id = $1`,
      [pair.id],
    )
    expect(moved).toEqual([
      { context: expect.objectContaining({ before: ['T4'], after: ['T2'], forBooking: four, actor: 'api' }) },
    ])
    const [audit] = await sql<{ details: Record<string, unknown> }>(
      engine,
      `select details from audit_log where entity_id = $1::text and action = 'review.seated'`,
      [four],
    )
    expect(audit!.details).toMatchObject({ moved: [{ reference: pair.reference, from: ['T4'], to: ['T2'] }] })
    const [emails] = await sql<{ n: number }>(
      engine,
      'select count(*)::int as n from email_outbox where booking_id = $1',
      [four],
    )
    expect(emails!.n).toBe(1)
  })
})
