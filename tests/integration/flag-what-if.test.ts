import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { rolloutBucket } from '../../server/flags/murmurhash3.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { smallFloor } from '../helpers/floors.ts'

describe('what-if before ramping: what the next stage would have seen', () => {
  let engine: TestEngine
  const flag = 'assignment.pipeline_v3'
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it('reads the shadow comparisons and attempts of exactly the restaurants the next stage adds', async () => {
    // twelve restaurants; the ramp goes 10 % -> 50 %: the ones with bucket in (10, 50] join next
    const ids: Array<{ slug: string; id: string; bucket: number }> = []
    for (let i = 0; i < 12; i++) {
      const slug = `whatif-${i}`
      await engine.restaurants.putFloor(slug, smallFloor({ name: `What-if ${i}` }))
      const id = (await engine.restaurants.findBySlug(slug))!.id
      ids.push({ slug, id, bucket: rolloutBucket(flag, id) })
    }
    const joining = ids.filter((r) => r.bucket > 10 && r.bucket <= 50)
    const others = ids.filter((r) => !(r.bucket > 10 && r.bucket <= 50))
    expect(joining.length).toBeGreaterThan(0)
    expect(others.length).toBeGreaterThan(0)

    // per joining restaurant: 4 shadow comparisons (3 match; V3 seats 3, legacy 2) and 2 attempts (1 confirmed)
    const seed = async (restaurantId: string, matchAll: boolean) => {
      for (let n = 0; n < 4; n++) {
        const booking = await engine.bookings.create({
          restaurant: ids.find((r) => r.id === restaurantId)!.slug,
          startAt: new Date(Date.now() + (2 + n) * 86_400_000).toISOString(),
          partySize: 2,
          guest: { name: 'W', email: 'w@example.com' },
        })
        const bookingId = booking.booking.id
        const match = matchAll || n < 3
        await engine.db.execute(sql`
          insert into shadow_comparisons (booking_id, restaurant_id, match, legacy_outcome, v3_outcome, legacy_duration_ms, v3_duration_ms)
          values (${bookingId}, ${restaurantId}, ${match},
                  ${JSON.stringify({ outcome: n < 2 ? 'confirmed' : 'manual_review' })}::jsonb,
                  ${JSON.stringify({ outcome: n < 3 ? 'confirmed' : 'manual_review' })}::jsonb,
                  ${10 + n}, ${20 + n})`)
      }
    }
    for (const r of joining) await seed(r.id, false)
    // restaurants that are already in, or stay out, must not count
    for (const r of others) await seed(r.id, true)

    const ramp = await engine.ramps.create(
      flag,
      {
        restaurantId: null,
        stages: [
          { percent: 10, holdMinutes: 60 },
          { percent: 50, holdMinutes: 60 },
        ],
        guardrails: [],
      },
      { actor: 'user:engineer@test', comment: 'what-if' },
    )
    const whatIf = await engine.flagControl.whatIf(ramp.id, new Date(Date.now() + 60_000))
    expect(whatIf).not.toBeNull()
    expect(whatIf!.restaurants.map((r) => r.slug).sort()).toEqual(joining.map((r) => r.slug).sort())
    expect(whatIf!).toMatchObject({ nextStage: 1, fromPercent: 10, toPercent: 50, bookingShare: null })
    expect(whatIf!.shadow.compared).toBe(4 * joining.length)
    expect(whatIf!.shadow.matchRate).toBeCloseTo(75)
    expect(whatIf!.shadow.v3SeatedShare).toBeCloseTo(75)
    expect(whatIf!.shadow.legacySeatedShare).toBeCloseTo(50)
    expect(whatIf!.shadow.v3P95Ms).toBeGreaterThan(22)
    // the bookings' inline attempts ran for real (one per booking) in these restaurants
    const attempts = await engine.db.execute(sql`
      select count(*)::int as n from assignment_attempts a join bookings b on b.id = a.booking_id
       where b.restaurant_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(joining.map((r) => r.id))}::jsonb))`)
    expect(whatIf!.attempts.total).toBe((attempts as unknown as { rows: Array<{ n: number }> }).rows[0]!.n)
    expect(whatIf!.attempts.total).toBeGreaterThan(0)

    await engine.ramps.command(ramp.id, 'rollback', { actor: 'user:engineer@test', comment: 'done' })
    expect(await engine.flagControl.whatIf(ramp.id, new Date())).toBeNull()
  })
})
