export interface BackoffOptions {
  /** delay ceiling of the first retry, in ms */
  baseMs?: number
  /** the ceiling never grows past this, in ms */
  maxMs?: number
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 5_000, maxMs: 15 * 60_000 }

/**
 * Delay before retry number `attempt` (1 = the first retry): exponential with "equal jitter".
 * The ceiling doubles per attempt (base, 2·base, 4·base … capped at max) and the delay is drawn
 * from [ceiling/2, ceiling], so retries always spread out yet never come back sooner than half
 * the ceiling. `random` returns a number in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs
  const exponent = Math.max(0, Math.min(attempt - 1, 30))
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent)
  const jitter = Math.min(Math.max(random(), 0), 1)
  return Math.round(ceiling / 2 + (jitter * ceiling) / 2)
}
