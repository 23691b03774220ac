// The review page's re-seating suggestion is computed when a person asks for it, not by the
// periodic refresh of stored suggestions (issue 15: that task ran the re-seat search for every
// stale booking in review, flag off or on, for pages nobody had open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { pairToMoveForReview } from '../helpers/review-floor.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const SLUG = 'review-reseat-lazy'

async function sql<T = Record<string, unknown>>(engine: TestEngine, text: string, values: unknown[] = []) {
  return (await engine.database.executeSql(text, values)).rows as T[]
}

async function reseatSearches(engine: TestEngine): Promise<number> {
  const metric = await engine.metrics.reseatSearches.get()
  return metric.values.reduce((sum, value) => sum + value.value, 0)
}

async function storedSuggestions(engine: TestEngine, bookingId: string) {
  const [row] = await sql<{ suggestions: Array<{ id: string; reseat?: unknown[] }> }>(
    engine,
    'select suggestions from review_suggestions where booking_id = $1',
    [bookingId],
  )
  return row?.suggestions
}

/** another booking of the restaurant changed: every stored suggestion of it is stale */
async function availabilityMovesOn(engine: TestEngine) {
  await sql(engine, 'update restaurants set availability_version = availability_version + 1 where slug = $1', [SLUG])
}

/**
 * A two-top and a four-top; a pair sits at the four-top (the two-top was taken when it booked,
 * then freed) and a party of 4 waits in review: only moving the pair seats it. Re-seating is off
 * for the engine.
 */
describe(`review: the re-seating suggestion is computed on request (${driver})`, () => {
  let engine: TestEngine
  let api: TestApi
  let pair: { id: string; reference: string }
  let four: string
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1' })
    api = await serveApi(engine)
    ;({ pair, four } = await pairToMoveForReview(engine, SLUG))
  })
  afterAll(async () => {
    await api?.close()
    await engine?.dispose()
  })

  it('the refresh task stores suggestions without the re-seat search; the page runs it and stores it', async () => {
    await availabilityMovesOn(engine)
    const before = await reseatSearches(engine)
    expect(await engine.review.refreshSuggestions()).toBeGreaterThanOrEqual(1)
    expect(await reseatSearches(engine)).toBe(before)
    const stored = await storedSuggestions(engine, four)
    expect(stored).toBeDefined()
    expect(stored!.filter((suggestion) => suggestion.reseat)).toEqual([])

    const { status, body } = await api.request('GET', `/api/review/${four}`)
    expect(status).toBe(200)
    expect(body.suggestions[0]).toMatchObject({
      relaxed: ['reseat'],
      label: `Seat by moving ${pair.reference} from T4 to T2`,
    })
    expect(await reseatSearches(engine)).toBe(before + 1)
    expect((await storedSuggestions(engine, four))![0]).toMatchObject({ id: body.suggestions[0].id })
    // stored with the others: the page opened again does not search again
    expect((await api.request('GET', `/api/review/${four}`)).body.suggestions[0].id).toBe(body.suggestions[0].id)
    expect(await reseatSearches(engine)).toBe(before + 1)
  })

  it('seats by a re-seating suggestion the refresh task dropped since the page showed it', async () => {
    const { body } = await api.request('GET', `/api/review/${four}`)
    const suggestion = body.suggestions[0]
    expect(suggestion.relaxed).toEqual(['reseat'])
    await availabilityMovesOn(engine)
    await engine.review.refreshSuggestions()
    expect((await storedSuggestions(engine, four))!.map((s) => s.id)).not.toContain(suggestion.id)

    const answer = await api.request('POST', `/api/review/${four}/seat`, {
      tables: suggestion.tables,
      expectedVersion: body.booking.version,
      suggestion: suggestion.id,
    })
    expect(answer.status).toBe(200)
    expect(answer.body.booking).toMatchObject({ status: 'confirmed', tables: ['T4'] })
    const [moved] = await sql<{ key: string }>(
      engine,
      `select t.key from table_allocations a join tables t on t.id = a.table_id
        where a.booking_id = $1 and a.released_at is null`,
      [pair.id],
    )
    expect(moved!.key).toBe('T2')
  })
})
