import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi } from '../helpers/http.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const rows = <T>(result: unknown) => (result as { rows: T[] }).rows

/** 19:00 UTC, `days` from the real clock: the peak the tests book into */
const peakAt = (days: number) => {
  const at = new Date(Date.now() + days * 86_400_000)
  at.setUTCHours(19, 0, 0, 0)
  return at
}

/**
 * Two two-tops and a six-top, UTC. The rule holds one table (the six-top, the largest) for parties
 * of 5 or more between 19:00 and 21:00 until 24 hours before 19:00.
 */
const RULE = { minPartySize: 5, tableCount: 1, from: '19:00', until: '21:00', releaseHoursBefore: 24 }
const guest = (name: string) => ({ name, email: `${name.toLowerCase()}@guests.example` })

describe(`peak pacing (assignment.peak_pacing, ${driver})`, () => {
  let engine: TestEngine
  /** the engine's clock: real time plus this offset (a test moves past the cut-off) */
  let offsetMs = 0
  let n = 0
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false, now: () => new Date(Date.now() + offsetMs) })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  const TWO_TOPS_AND_A_SIX = [
    { key: 'A1', zone: 'main', capacity: 2 },
    { key: 'A2', zone: 'main', capacity: 2 },
    { key: 'G6', zone: 'main', capacity: 6, minParty: 1 },
  ]

  async function restaurant(
    pipeline: 'legacy' | 'v3',
    options: { pacing?: boolean; rule?: boolean; tables?: typeof TWO_TOPS_AND_A_SIX } = {},
  ) {
    const slug = `pacing-${pipeline}-${++n}`
    const { id } = await engine.restaurants.putFloor(slug, {
      name: slug,
      timezone: 'UTC',
      zones: [{ key: 'main', name: 'Main' }],
      tables: options.tables ?? TWO_TOPS_AND_A_SIX,
      adjacency: [],
    })
    if (options.rule ?? true) await engine.restaurants.putPacing(slug, RULE)
    const on = async (key: 'assignment.peak_pacing' | 'assignment.pipeline_v3') =>
      engine.flags.setRule(key, { restaurantId: id }, { enabled: true }, { actor: 'test', comment: 'test setup' })
    if (options.pacing ?? true) await on('assignment.peak_pacing')
    if (pipeline === 'v3') await on('assignment.pipeline_v3')
    return slug
  }

  /** books both two-tops at `startAt`, then one more party of `size` */
  async function fillTwoTopsThenBook(slug: string, startAt: Date, size: number) {
    for (const name of ['First', 'Second']) {
      const pair = await engine.bookings.create({
        restaurant: slug,
        startAt: startAt.toISOString(),
        partySize: 2,
        guest: guest(name),
      })
      expect(pair.booking.tables).toHaveLength(1)
      expect(pair.booking.tables[0]).toMatch(/^A/)
    }
    return engine.bookings.create({
      restaurant: slug,
      startAt: startAt.toISOString(),
      partySize: size,
      guest: guest('Third'),
    })
  }

  for (const pipeline of ['legacy', 'v3'] as const) {
    describe(`${pipeline} pipeline`, () => {
      it('refuses a small party the held table before the cut-off', async () => {
        offsetMs = 0
        const slug = await restaurant(pipeline)
        const third = await fillTwoTopsThenBook(slug, peakAt(3), 2)
        expect(third.autoAssign.outcome).not.toBe('confirmed')
        expect(third.booking.tables).toEqual([])
        const live = await engine.db.execute(sql`
          select count(*)::int as n from table_allocations
           where booking_id = ${third.booking.id} and released_at is null`)
        expect(rows<{ n: number }>(live)[0]!.n).toBe(0)
      })

      it('gives a large party the held table before the cut-off', async () => {
        offsetMs = 0
        const slug = await restaurant(pipeline)
        const six = await engine.bookings.create({
          restaurant: slug,
          startAt: peakAt(3).toISOString(),
          partySize: 6,
          guest: guest('Six'),
        })
        expect(six.autoAssign.outcome).toBe('confirmed')
        expect(six.booking.tables).toEqual(['G6'])
      })

      it('gives a small party the held table once the cut-off has passed', async () => {
        const startAt = peakAt(3)
        // 23 hours before the peak: the 24-hour cut-off has passed
        offsetMs = startAt.getTime() - 23 * 3_600_000 - Date.now()
        try {
          const slug = await restaurant(pipeline)
          const third = await fillTwoTopsThenBook(slug, startAt, 2)
          expect(third.autoAssign.outcome).toBe('confirmed')
          expect(third.booking.tables).toEqual(['G6'])
        } finally {
          offsetMs = 0
        }
      })

      it('holds nothing where the flag is off, though the restaurant has a rule', async () => {
        offsetMs = 0
        const slug = await restaurant(pipeline, { pacing: false })
        const third = await fillTwoTopsThenBook(slug, peakAt(3), 2)
        expect(third.autoAssign.outcome).toBe('confirmed')
        expect(third.booking.tables).toEqual(['G6'])
      })
    })
  }

  it('re-seating moves no small party onto the held table to make room', async () => {
    // the six-top takes parties of 3 and more: the new pair could only sit there if the three moved
    const slug = await restaurant('legacy', {
      tables: [
        { key: 'A1', zone: 'main', capacity: 2 },
        { key: 'B4', zone: 'main', capacity: 4, minParty: 1 },
        { key: 'G6', zone: 'main', capacity: 6, minParty: 3 },
      ],
    })
    const found = await engine.restaurants.findBySlug(slug)
    await engine.flags.setRule(
      'assignment.reseat',
      { restaurantId: found!.id },
      { enabled: true },
      { actor: 'test', comment: 'test setup' },
    )
    const startAt = peakAt(4).toISOString()
    const pair = await engine.bookings.create({ restaurant: slug, startAt, partySize: 2, guest: guest('Pair') })
    expect(pair.booking.tables).toEqual(['A1'])
    const three = await engine.bookings.create({ restaurant: slug, startAt, partySize: 3, guest: guest('Three') })
    expect(three.booking.tables).toEqual(['B4'])
    const late = await engine.bookings.create({ restaurant: slug, startAt, partySize: 2, guest: guest('Late') })
    expect(late.autoAssign.outcome).not.toBe('confirmed')
    expect(late.booking.tables).toEqual([])
    expect((await engine.bookings.get(three.booking.id)).tables).toEqual(['B4'])
  })

  it('sets, reads and deletes the rule through the API, and validates it', async () => {
    const slug = await restaurant('legacy', { rule: false, pacing: false })
    const api = await serveApi(engine)
    try {
      expect((await api.request('GET', `/api/restaurants/${slug}/pacing`)).body).toEqual({ pacing: null })
      const bad = await api.request('PUT', `/api/restaurants/${slug}/pacing`, { ...RULE, until: '18:00' })
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe('VALIDATION_FAILED')
      expect((await api.request('PUT', `/api/restaurants/${slug}/pacing`, RULE)).body).toEqual({ pacing: RULE })
      expect((await api.request('GET', `/api/restaurants/${slug}/pacing`)).body).toEqual({ pacing: RULE })
      expect((await api.request('DELETE', `/api/restaurants/${slug}/pacing`)).body).toEqual({ deleted: true })
      expect((await api.request('GET', `/api/restaurants/no-such-place/pacing`)).status).toBe(404)
    } finally {
      await api.close()
    }
  })
})
