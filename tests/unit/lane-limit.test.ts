import { describe, expect, it } from 'vitest'
import { adaptiveLaneLimit } from '../../server/jobs/lane-limit.ts'

const options = { min: 2, max: 8, targetLagMs: 2 }
const laggy = { lagMs: 6, saturated: true }
const calmBusy = { lagMs: 1, saturated: true }
const calmIdle = { lagMs: 1, saturated: false }

describe('adaptive lane limit (AIMD on the event loop lag)', () => {
  it('starts with every lane: a runner that is not CPU-bound keeps them', () => {
    const policy = adaptiveLaneLimit(options)
    expect(policy.limit()).toBe(8)
    expect(policy.observe(calmBusy)).toBe(8)
    expect(policy.observe(calmIdle)).toBe(8)
  })

  it('halves on lag over the target, rounding up, and never below min', () => {
    const policy = adaptiveLaneLimit({ ...options, max: 7 })
    expect([laggy, laggy, laggy, laggy].map((w) => policy.observe(w))).toEqual([4, 2, 2, 2])
    // lag exactly at the target is not over it
    const atTarget = adaptiveLaneLimit(options)
    expect(atTarget.observe({ lagMs: 2, saturated: false })).toBe(8)
  })

  it('adds one lane after three calm windows in a row with every lane busy, never above max', () => {
    const policy = adaptiveLaneLimit({ ...options, max: 4 })
    policy.observe(laggy)
    expect(policy.limit()).toBe(2)
    expect([calmBusy, calmBusy, calmBusy].map((w) => policy.observe(w))).toEqual([2, 2, 3])
    expect([calmBusy, calmBusy, calmBusy].map((w) => policy.observe(w))).toEqual([3, 3, 4])
    expect([calmBusy, calmBusy, calmBusy].map((w) => policy.observe(w))).toEqual([4, 4, 4])
  })

  it('an idle or laggy window starts the calm count over', () => {
    const policy = adaptiveLaneLimit(options)
    policy.observe(laggy)
    policy.observe(laggy)
    expect(policy.limit()).toBe(2)
    expect([calmBusy, calmBusy, calmIdle, calmBusy, calmBusy].map((w) => policy.observe(w))).toEqual([2, 2, 2, 2, 2])
    expect(policy.observe(calmBusy)).toBe(3)
    policy.observe(calmBusy)
    policy.observe(calmBusy)
    // a laggy window just before the third calm one: down, and counting again from zero
    expect(policy.observe(laggy)).toBe(2)
    expect([calmBusy, calmBusy, calmBusy].map((w) => policy.observe(w))).toEqual([2, 2, 3])
  })

  it('a min above max, or below one, is brought into range', () => {
    expect(adaptiveLaneLimit({ min: 4, max: 1, targetLagMs: 2 }).observe(laggy)).toBe(1)
    const one = adaptiveLaneLimit({ min: 0, max: 3, targetLagMs: 2, calmWindows: 1 })
    one.observe(laggy)
    expect(one.observe(laggy)).toBe(1)
    expect(one.observe(calmBusy)).toBe(2)
  })
})
