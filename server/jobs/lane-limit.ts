/**
 * How many of a job runner's lanes may deliver at once, following the event loop's lag
 * (additive increase, multiplicative decrease). Each window the caller reports the loop's lag and
 * whether every allowed lane was busy:
 * - lag above `targetLagMs`: the limit halves (rounded up, never below `min`). When the process's
 *   CPU is what the lanes wait for, one more lane adds no throughput: its work only lengthens every
 *   other lane's waits (a lock's answer, a query's result sit behind it in the loop);
 * - lag at or under the target while every allowed lane was busy, `calmWindows` windows in a row:
 *   one lane more (never above `max`). Slow up, fast down: each lane added on a CPU-bound burst
 *   raised the lag again within a window or two, and the time spent over it is what runs wait;
 * - otherwise (lanes idle, nothing queued for them): unchanged, and the calm count starts over.
 * It starts at `max`: a runner that is not CPU-bound (a slow database, jobs that wait) keeps all
 * its lanes. Pure: the windows come from the caller (adaptive-lanes.ts measures them).
 */
export interface LaneLimitPolicy {
  /** lanes allowed now */
  limit(): number
  /** one window: the loop's lag over it, and whether all allowed lanes were delivering */
  observe(window: { lagMs: number; saturated: boolean }): number
}

export interface LaneLimitOptions {
  min: number
  max: number
  targetLagMs: number
  /** calm, saturated windows in a row before one more lane (default 3) */
  calmWindows?: number
}

export function adaptiveLaneLimit(options: LaneLimitOptions): LaneLimitPolicy {
  const min = Math.max(1, Math.min(options.min, options.max))
  const max = Math.max(1, options.max)
  const calmWindows = Math.max(1, options.calmWindows ?? 3)
  let limit = max
  let calm = 0
  return {
    limit: () => limit,
    observe({ lagMs, saturated }) {
      if (lagMs > options.targetLagMs) {
        limit = Math.max(min, Math.ceil(limit / 2))
        calm = 0
      } else if (saturated) {
        calm++
        if (calm >= calmWindows) {
          limit = Math.min(max, limit + 1)
          calm = 0
        }
      } else calm = 0
      return limit
    },
  }
}
