import { describe, expect, it } from 'vitest'
import { murmurhash3x86_32, rolloutBucket } from '../../server/flags/murmurhash3.ts'
import { evaluateFlag } from '../../server/flags/evaluate.ts'
import { FLAG_DEFINITIONS, flagDefinition } from '../../server/flags/definitions.ts'

describe('murmurhash3 x86 32', () => {
  it('matches the reference vectors', () => {
    expect(murmurhash3x86_32('', 0)).toBe(0)
    expect(murmurhash3x86_32('', 1)).toBe(0x514e28b7)
    expect(murmurhash3x86_32('hello', 0)).toBe(0x248bfa47)
    expect(murmurhash3x86_32('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723)
    expect(murmurhash3x86_32('aaaa', 0x9747b28c)).toBe(0x5a97808a)
    expect(murmurhash3x86_32('abc', 0)).toBe(0xb3dd93fa)
  })
  it('keeps the golden bucket vectors (checked against an independent implementation)', () => {
    // murmurhash3_x86_32(`${flagKey}:${id}`, 0) % 100 + 1: changing the hash would reshuffle every ramp
    expect(murmurhash3x86_32('assignment.pipeline_v3:r-1', 0)).toBe(2717550765)
    expect(rolloutBucket('assignment.pipeline_v3', 'r-1')).toBe(66)
    expect(rolloutBucket('assignment.pipeline_v3', 'r-2')).toBe(3)
    expect(rolloutBucket('assignment.pipeline_v3', 'r-3')).toBe(4)
    expect(rolloutBucket('assignment.pipeline_v3', '8d0c1f9e-5b7a-4c1e-9f11-2d3c4b5a6978')).toBe(23)
  })
  it('hashes UTF-8 bytes', () => {
    expect(murmurhash3x86_32('é', 0)).toBe(murmurhash3x86_32('\u00e9', 0))
    expect(murmurhash3x86_32('é', 0)).not.toBe(murmurhash3x86_32('e', 0))
  })
  it('buckets are 1..100 and spread evenly', () => {
    const counts = new Array(101).fill(0)
    for (let i = 0; i < 20_000; i++) counts[rolloutBucket('planner.cache', `restaurant-${i}`)]++
    expect(counts[0]).toBe(0)
    for (let bucket = 1; bucket <= 100; bucket++) expect(counts[bucket]).toBeGreaterThan(120)
  })
})

describe('flag evaluation', () => {
  const boolFlag = flagDefinition('auto_assign.retry_policy_v2')!
  const numberFlag = flagDefinition('inline_auto_assign.timeout_ms')!
  const on = (percent = 100, value: boolean | number | null = null) => ({
    enabled: true,
    rolloutPercent: percent,
    value,
  })

  it('env override beats every rule', () => {
    expect(evaluateFlag(boolFlag, { restaurant: on(), global: on() }, { restaurantId: 'r1' }, false)).toMatchObject({
      value: false,
      reason: 'ENV_OVERRIDE',
    })
  })
  it('restaurant rule beats global rule beats default', () => {
    expect(
      evaluateFlag(
        boolFlag,
        { restaurant: { ...on(), enabled: false }, global: on() },
        { restaurantId: 'r1' },
        undefined,
      ),
    ).toMatchObject({
      value: false,
      reason: 'RESTAURANT_RULE_DISABLED',
    })
    expect(evaluateFlag(boolFlag, { global: on() }, { restaurantId: 'r1' }, undefined)).toMatchObject({
      value: true,
      reason: 'GLOBAL_RULE',
    })
    expect(evaluateFlag(boolFlag, {}, { restaurantId: 'r1' }, undefined)).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    })
    expect(evaluateFlag(numberFlag, { restaurant: on(100, 250) }, { restaurantId: 'r1' }, undefined)).toMatchObject({
      value: 250,
      reason: 'RESTAURANT_RULE',
    })
  })
  it('percent ramps are sticky: raising the percentage never drops anyone', () => {
    const bookings = Array.from({ length: 500 }, (_, i) => `booking-${i}`)
    let previous = new Set<string>()
    for (const percent of [0, 5, 10, 25, 50, 75, 100]) {
      const inRamp = new Set(
        bookings.filter(
          (id) =>
            evaluateFlag(boolFlag, { restaurant: on(percent) }, { restaurantId: 'r1', bookingId: id }, undefined).value,
        ),
      )
      for (const id of previous) expect(inRamp.has(id)).toBe(true)
      expect(inRamp.size / bookings.length).toBeGreaterThanOrEqual(percent / 100 - 0.08)
      expect(inRamp.size / bookings.length).toBeLessThanOrEqual(percent / 100 + 0.08)
      previous = inRamp
    }
    expect(previous.size).toBe(500)
  })
  it('a restaurant rule wins over a global ramp, both ways', () => {
    // r-1 is in bucket 66, so a 50 % global ramp leaves it out: its own rule switches it on
    const v3 = flagDefinition('assignment.pipeline_v3')!
    expect(evaluateFlag(v3, { global: on(50) }, { restaurantId: 'r-1' }, undefined)).toMatchObject({
      value: false,
      reason: 'GLOBAL_RULE_OUT_OF_ROLLOUT',
      split: true,
    })
    expect(evaluateFlag(v3, { global: on(50), restaurant: on(100) }, { restaurantId: 'r-1' }, undefined)).toMatchObject(
      { value: true, reason: 'RESTAURANT_RULE', split: false },
    )
    // r-2 (bucket 3) is inside the global ramp, but its own disabled rule keeps it out
    expect(evaluateFlag(v3, { global: on(50) }, { restaurantId: 'r-2' }, undefined).value).toBe(true)
    expect(
      evaluateFlag(v3, { global: on(50), restaurant: { ...on(), enabled: false } }, { restaurantId: 'r-2' }, undefined),
    ).toMatchObject({ value: false, reason: 'RESTAURANT_RULE_DISABLED' })
  })
  it('raising a global ramp from 10 to 25 % keeps every restaurant already in', () => {
    const v3 = flagDefinition('assignment.pipeline_v3')!
    const ids = Array.from({ length: 400 }, (_, i) => `restaurant-${i}`)
    const inAt = (percent: number) =>
      ids.filter((id) => evaluateFlag(v3, { global: on(percent) }, { restaurantId: id }, undefined).value)
    const at10 = inAt(10)
    const at25 = new Set(inAt(25))
    expect(at10.length).toBeGreaterThan(20)
    expect(at25.size).toBeGreaterThan(at10.length)
    for (const id of at10) expect(at25.has(id)).toBe(true)
    expect(at10).toContain('restaurant-' + ids.findIndex((id) => rolloutBucket(v3.key, id) <= 10))
  })
  it('a global rule ramps over restaurants, matching the documented bucket formula', () => {
    for (const restaurantId of ['r-1', 'r-2', 'r-3', 'r-4']) {
      const expected = rolloutBucket(boolFlag.key, restaurantId) <= 30
      expect(evaluateFlag(boolFlag, { global: on(30) }, { restaurantId, bookingId: 'b' }, undefined).value).toBe(
        expected,
      )
    }
  })
})

describe('flag definitions', () => {
  it('declare each key and each environment override once', () => {
    const keys = FLAG_DEFINITIONS.map((definition) => definition.key)
    const overrides = FLAG_DEFINITIONS.map((definition) => definition.envOverride)
    expect(new Set(keys).size).toBe(keys.length)
    expect(new Set(overrides).size).toBe(overrides.length)
  })
})
