import { describe, expect, it } from 'vitest'
import { legacyRetryPolicy, retryPolicyV2, DEFAULT_RETRY_TIMINGS } from '../../server/assignment/retry-policy.ts'
import { REASON_CATEGORY, reasonCategory } from '../../server/assignment/reason-codes.ts'
import type { AutoAssignResult } from '../../server/db/schema/bookings.ts'

const timings = {
  ...DEFAULT_RETRY_TIMINGS,
  maxAttempts: 5,
  transientBaseMs: 100,
  capacitySpacingMs: 1000,
  capacityAttempts: 3,
}
const noJitter = () => 0.5
const inline = (overrides: Partial<AutoAssignResult>): AutoAssignResult => ({
  source: 'inline',
  at: '2031-06-01T10:00:00.000Z',
  success: false,
  reason: 'PARTY_TOO_LARGE',
  reasonCategory: 'hard',
  strategy: { requireAdjacency: true, maxTables: 3 },
  trigger: 'inline',
  durationMs: 5,
  attemptId: null,
  emailQueued: false,
  ...overrides,
})

describe('reason classification', () => {
  it('classifies every planner reason and the engine reasons', () => {
    expect(reasonCategory('PARTY_TOO_LARGE')).toBe('hard')
    expect(reasonCategory('NO_TABLES_IN_ZONE')).toBe('hard')
    expect(reasonCategory('ADJACENCY_UNSATISFIED')).toBe('hard')
    expect(reasonCategory('INVALID_REQUEST')).toBe('hard')
    expect(reasonCategory('NO_AVAILABILITY')).toBe('capacity')
    for (const transient of ['HOLD_CONFLICT', 'LOCK_TIMEOUT', 'TIMEOUT', 'DB_ERROR'])
      expect(reasonCategory(transient)).toBe('transient')
    expect(reasonCategory('SOMETHING_NEW')).toBe('transient')
    expect(reasonCategory(null)).toBeNull()
    expect(Object.keys(REASON_CATEGORY).length).toBeGreaterThanOrEqual(10)
  })
})

describe('legacy retry policy (v1)', () => {
  const policy = legacyRetryPolicy(timings)
  it('retries everything, hard reasons included, with exponential backoff up to maxAttempts', () => {
    expect(policy.afterFailure(1, 'hard', noJitter)).toEqual({ retry: true, delayMs: 100 })
    expect(policy.afterFailure(2, 'capacity', noJitter)).toEqual({ retry: true, delayMs: 200 })
    expect(policy.afterFailure(4, 'transient', noJitter)).toEqual({ retry: true, delayMs: 800 })
    expect(policy.afterFailure(5, 'transient', noJitter)).toEqual({ retry: false, why: 'exhausted' })
    expect(policy.skipFirstAttempt(inline({}), new Date('2031-06-01T10:00:01Z'))).toBe(false)
  })
})

describe('retry policy v2', () => {
  const policy = retryPolicyV2(timings)
  it('stops at once on a hard reason', () => {
    expect(policy.afterFailure(1, 'hard', noJitter)).toEqual({ retry: false, why: 'hard' })
  })
  it('spaces a few attempts when the floor is full', () => {
    expect(policy.afterFailure(1, 'capacity', noJitter)).toEqual({ retry: true, delayMs: 1000 })
    expect(policy.afterFailure(2, 'capacity', noJitter)).toEqual({ retry: true, delayMs: 1000 })
    expect(policy.afterFailure(3, 'capacity', noJitter)).toEqual({ retry: false, why: 'exhausted' })
  })
  it('backs off exponentially with jitter on transient reasons', () => {
    expect(policy.afterFailure(1, 'transient', noJitter)).toEqual({ retry: true, delayMs: 100 })
    expect(policy.afterFailure(3, 'transient', noJitter)).toEqual({ retry: true, delayMs: 400 })
    const low = policy.afterFailure(1, 'transient', () => 0)
    const high = policy.afterFailure(1, 'transient', () => 0.999)
    expect(low).toEqual({ retry: true, delayMs: 80 })
    expect(high.retry && high.delayMs).toBe(120)
    expect(policy.afterFailure(5, 'transient', noJitter)).toEqual({ retry: false, why: 'exhausted' })
  })
  it('skips the first attempt after a fresh inline hard failure only', () => {
    const at = new Date('2031-06-01T10:00:30Z')
    expect(policy.skipFirstAttempt(inline({}), at)).toBe(true)
    expect(policy.skipFirstAttempt(inline({}), new Date('2031-06-01T10:06:00Z'))).toBe(false)
    expect(policy.skipFirstAttempt(inline({ reason: 'NO_AVAILABILITY', reasonCategory: 'capacity' }), at)).toBe(false)
    expect(policy.skipFirstAttempt(inline({ success: true, reason: null, reasonCategory: null }), at)).toBe(false)
    expect(policy.skipFirstAttempt(null, at)).toBe(false)
  })
  it('relaxes the knobs for the first attempt after an inline timeout', () => {
    const timedOut = inline({ reason: 'TIMEOUT', reasonCategory: 'transient' })
    expect(policy.knobsFor(1, timedOut)).toEqual({ requireAdjacency: true, maxTables: 4 })
    expect(policy.knobsFor(2, timedOut)).toEqual({ requireAdjacency: true, maxTables: 3 })
    expect(policy.knobsFor(1, inline({ reason: 'NO_AVAILABILITY' }))).toEqual({ requireAdjacency: true, maxTables: 3 })
  })
})
