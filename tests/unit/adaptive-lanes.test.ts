import { afterEach, describe, expect, it } from 'vitest'
import { startAdaptiveLanes, type AdaptiveLanes } from '../../server/jobs/adaptive-lanes.ts'
import { waitFor } from '../helpers/wait.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Keeps the event loop busy in `chunkMs` pieces for `forMs`: the lag a CPU-bound burst makes.
 * `lane` runs before each piece (a lane asking for work while another works).
 */
async function hogLoop(forMs: number, chunkMs: number, lane: () => void) {
  const end = performance.now() + forMs
  while (performance.now() < end) {
    lane()
    const chunkEnd = performance.now() + chunkMs
    while (performance.now() < chunkEnd) {
      // busy on purpose
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('adaptive lanes on the real event loop', () => {
  let lanes: AdaptiveLanes | undefined
  afterEach(() => lanes?.stop())

  it('a lagging loop takes lanes away; a calm one with lanes wanted gives them back one at a time', async () => {
    // a target far above an idle loop's lag on a loaded machine, far below the hog's chunks
    lanes = startAdaptiveLanes({ max: 6, min: 2, targetLagMs: 15, windowMs: 40 })
    expect(lanes.allowed(0)).toBe(6)
    await hogLoop(400, 40, () => lanes!.allowed(1))
    expect(lanes.allowed(0)).toBe(2)
    // lanes held back (every allowed lane working) in calm windows: the limit climbs again
    const asking = setInterval(() => lanes!.allowed(lanes!.allowed(0)), 5)
    try {
      const seen = new Set<number>()
      await waitFor(
        async () => {
          seen.add(lanes!.allowed(0))
          return seen.has(6) ? true : undefined
        },
        10_000,
        'the lanes to come back',
      )
      // additive: it passed through the limits between (sampled every 50 ms, windows of 40 ms x 3)
      expect([...seen].filter((n) => n > 2 && n < 6).length).toBeGreaterThan(0)
    } finally {
      clearInterval(asking)
    }
  })

  it('without lanes wanted, a calm loop leaves the limit where it is, and the probe stops', async () => {
    lanes = startAdaptiveLanes({ max: 6, min: 2, targetLagMs: 15, windowMs: 40 })
    expect(lanes.probing()).toBe(false)
    await hogLoop(300, 40, () => lanes!.allowed(1))
    expect(lanes.allowed(0)).toBe(2)
    expect(lanes.probing()).toBe(true)
    await sleep(400)
    expect(lanes.allowed(0)).toBe(2)
    expect(lanes.probing()).toBe(false)
  })

  it('a loop that lags while no lane works side by side does not take lanes away', async () => {
    lanes = startAdaptiveLanes({ max: 6, min: 2, targetLagMs: 15, windowMs: 40 })
    // one lane at a time (working 0 when it asks): the lag is not the lanes' doing to measure
    await hogLoop(300, 40, () => lanes!.allowed(0))
    expect(lanes.allowed(0)).toBe(6)
    expect(lanes.probing()).toBe(false)
  })
})
