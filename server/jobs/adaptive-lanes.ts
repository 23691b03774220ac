import { exactQuantile } from '../analytics/sketch.ts'
import { adaptiveLaneLimit, type LaneLimitOptions, type LaneLimitPolicy } from './lane-limit.ts'

export interface AdaptiveLanes {
  /** lanes the runner may use now, given how many work (the runner's lanesAllowed) */
  allowed(working: number): number
  /** whether the lag probe runs now (only while lanes work side by side) */
  probing(): boolean
  stop(): void
}

export interface AdaptiveLaneOptions extends Partial<LaneLimitOptions> {
  max: number
  windowMs?: number
}

/** the lag probe's period: each firing records how late it came */
const PROBE_MS = 2

/**
 * Feeds a lane-limit policy (lane-limit.ts) from the event loop: every window (100 ms), the 90th
 * percentile of how late a 2 ms timer fired (the loop's lag), and whether a lane was held back.
 * - Its own timer, not perf_hooks' delay histogram: a reset histogram drops its first reading, so
 *   a loop busy in long pieces (one reading per window) showed no lag at all.
 * - The 2 ms timer runs only while lanes work side by side (a lane asks with another working):
 *   on an idle server it would cost about 3% of a core. It stops after a window without such an
 *   ask; windows without it leave the limit as it is.
 * - Defaults: at least 2 lanes (one can wait on the database while another computes), target lag
 *   2 ms (a lock's answer then waits about that long for the loop).
 */
export function startAdaptiveLanes(options: AdaptiveLaneOptions): AdaptiveLanes {
  const policy: LaneLimitPolicy = adaptiveLaneLimit({
    min: options.min ?? 2,
    max: options.max,
    targetLagMs: options.targetLagMs ?? 2,
  })
  let lags: number[] = []
  let probe: NodeJS.Timeout | null = null
  let stopped = false
  const startProbe = () => {
    if (probe || stopped) return
    let expected = performance.now() + PROBE_MS
    probe = setInterval(() => {
      const now = performance.now()
      lags.push(Math.max(0, now - expected))
      expected = now + PROBE_MS
    }, PROBE_MS)
    probe.unref()
  }
  const stopProbe = () => {
    if (probe) clearInterval(probe)
    probe = null
  }
  // lanes worked side by side in this window (the probe keeps running)
  let together = false
  // a lane asked for work in this window and was held back: the allowed lanes were all busy (a
  // held-back lane asks again every 20 ms, so a window of full lanes is seen)
  let heldBack = false
  const timer = setInterval(() => {
    if (probe && lags.length > 0) policy.observe({ lagMs: exactQuantile(lags, 0.9)!, saturated: heldBack })
    lags = []
    heldBack = false
    if (!together) stopProbe()
    together = false
  }, options.windowMs ?? 100)
  timer.unref()
  return {
    allowed(working) {
      if (working > 0) {
        together = true
        startProbe()
      }
      const limit = policy.limit()
      if (working >= limit) heldBack = true
      return limit
    },
    probing: () => probe !== null,
    stop() {
      stopped = true
      clearInterval(timer)
      stopProbe()
    },
  }
}
