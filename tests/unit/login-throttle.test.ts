import { describe, expect, it } from 'vitest'
import { lockedUntil } from '../../server/auth/login-throttle.ts'

const at = (minute: number) => new Date(Date.UTC(2031, 0, 1, 12, minute))
const WINDOW = 15 * 60_000

describe('lockedUntil (sliding window)', () => {
  it('is free below the limit', () => {
    expect(lockedUntil([at(4), at(3), at(2), at(1)], 5, WINDOW, at(5))).toBeNull()
  })

  it('locks at the limit until the oldest counted failure leaves the window', () => {
    const failures = [at(5), at(4), at(3), at(2), at(1), at(0)]
    expect(lockedUntil(failures, 5, WINDOW, at(6))).toEqual(at(16))
    expect(lockedUntil(failures, 5, WINDOW, at(16))).toBeNull()
  })
})
