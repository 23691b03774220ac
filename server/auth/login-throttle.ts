import type { Executor } from '../db/client.ts'
import {
  clearAccountLoginFailures,
  deleteLoginAttempt,
  recentLoginFailures,
  reserveLoginAttempt,
} from '../db/queries/login-failures.ts'

/**
 * Login throttling (OWASP ASVS 2.2.1), per account and per client address, over a sliding window.
 *
 * Policy: an account with `maxPerAccount` failed sign-ins in the last `windowMs` is refused until
 * the oldest of those leaves the window; so is an address with `maxPerIp` failures, whichever
 * accounts they were for. A refused attempt does not check the password (no scrypt, no oracle) and
 * is not counted again, so a locked-out attacker cannot extend the lock. Each attempt is recorded
 * before its password is checked, so parallel guesses count against each other. A correct password clears
 * the account's failures. Failures are rows in the database, so the limits hold across restarts and
 * across processes. Unknown accounts are throttled like real ones (no account enumeration).
 */
export interface LoginThrottlePolicy {
  windowMs: number
  maxPerAccount: number
  maxPerIp: number
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  windowMs: 15 * 60_000,
  maxPerAccount: 5,
  maxPerIp: 20,
}

export type ThrottleDecision =
  | { allowed: true; attemptId: number }
  | { allowed: false; scope: 'account' | 'ip'; retryAfterSeconds: number; message: string }

/** Pure: when `failures` (newest first) reach `limit`, the time the limit frees up; else null. */
export function lockedUntil(failures: readonly Date[], limit: number, windowMs: number, now: Date): Date | null {
  if (failures.length < limit) return null
  const freesAt = new Date(failures[limit - 1]!.getTime() + windowMs)
  return freesAt > now ? freesAt : null
}

function waitText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60)
  return seconds < 60 ? `${seconds} seconds` : `${minutes} minute${minutes === 1 ? '' : 's'}`
}

export function createLoginThrottle(
  db: Executor,
  options: { policy?: Partial<LoginThrottlePolicy>; now?: () => Date } = {},
) {
  const policy = { ...DEFAULT_LOGIN_THROTTLE, ...options.policy }
  const now = options.now ?? (() => new Date())
  return {
    policy,
    /**
     * Reserves the attempt (it counts as a failure from now on), then decides on the failures of
     * other attempts. A refused attempt gives its reservation back.
     */
    async begin(account: string, clientIp: string): Promise<ThrottleDecision> {
      const at = now()
      const since = new Date(at.getTime() - policy.windowMs)
      const attemptId = await reserveLoginAttempt(db, { account, clientIp, at, purgeBefore: since })
      const recent = await recentLoginFailures(db, {
        account,
        clientIp,
        since,
        limit: Math.max(policy.maxPerAccount, policy.maxPerIp),
        beforeId: attemptId,
      })
      const accountUntil = lockedUntil(recent.account, policy.maxPerAccount, policy.windowMs, at)
      const ipUntil = lockedUntil(recent.clientIp, policy.maxPerIp, policy.windowMs, at)
      const until = [accountUntil, ipUntil].filter((date): date is Date => date !== null)
      if (until.length === 0) return { allowed: true, attemptId }
      await deleteLoginAttempt(db, attemptId)
      const latest = new Date(Math.max(...until.map((date) => date.getTime())))
      const retryAfterSeconds = Math.max(1, Math.ceil((latest.getTime() - at.getTime()) / 1000))
      const scope = accountUntil && accountUntil.getTime() === latest.getTime() ? 'account' : 'ip'
      const message =
        scope === 'account'
          ? `Too many failed sign-ins for this account. Try again in ${waitText(retryAfterSeconds)}, or ask an admin to reset the password.`
          : `Too many failed sign-ins from your network. Try again in ${waitText(retryAfterSeconds)}.`
      return { allowed: false, scope, retryAfterSeconds, message }
    },
    /** The password was right: the attempt was no failure, and the account's earlier ones are forgiven. */
    async succeeded(attemptId: number, account: string): Promise<void> {
      await deleteLoginAttempt(db, attemptId)
      await clearAccountLoginFailures(db, account)
    },
  }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>
