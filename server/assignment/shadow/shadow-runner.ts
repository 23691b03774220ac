import { insertShadowComparison } from '../../db/queries/shadow-comparisons.ts'
import type { ShadowPlan } from '../../db/schema/assignment.ts'
import type { Booking } from '../../db/schema/bookings.ts'
import type { AssignmentDeps } from '../assignment-deps.ts'
import { decideV3 } from '../pipelines/v3/decide-v3.ts'
import { DEFAULT_KNOBS } from '../quote.ts'
import type { Decision } from '../steps/decide.ts'
import { compareDecisions, type ShadowSide } from './compare.ts'

export interface ShadowRequest {
  booking: Booking
  /** legacy's decision: its snapshot is the one V3 decides on */
  legacy: Decision
  /** what legacy then did with it */
  legacyOutcome: { outcome: string; reason: string | null; tables: string[] }
  legacyDurationMs: number
}

export interface ShadowRunnerOptions {
  /** a V3 decide slower than this is recorded as an error and abandoned */
  timeoutMs?: number
  /** shadow runs waiting; beyond, new ones are dropped (and counted) */
  maxPending?: number
  /** shadow runs at once: a burst of bookings must not share the CPU with a burst of shadow work */
  concurrency?: number
  /**
   * true while intake is answering requests: shadow work then waits (it ran beside a burst's
   * intake and took CPU and connections from it, adding 5-15% to the legacy p95), and starts once
   * intake is idle, or when a request has waited `maxDeferMs`, so steady traffic cannot starve it
   */
  busy?: () => boolean
  maxDeferMs?: number
}

/** how often deferred shadow work looks again whether intake is idle */
const IDLE_RECHECK_MS = 10

class ShadowTimeout extends Error {}

const planOf = (decision: Decision | null): ShadowPlan | null => {
  const plan = decision?.plans[0]
  return plan ? { tableIds: plan.tableIds, tableKeys: plan.tableKeys, zoneId: plan.zoneId } : null
}
const sideOf = (decision: Decision | null, error?: string): ShadowSide => {
  const plan = decision?.plans[0]
  return { seated: plan !== undefined, tableIds: plan?.tableIds ?? [], zoneId: plan?.zoneId ?? null, error }
}

/**
 * Shadow mode: after legacy acted for a booking, V3's decide runs on legacy's snapshot, off the
 * request path (a later macrotask, after the answer went out), reading only: no holds, no state
 * change, no email. Its quote events say shadow: true. One shadow_comparisons row per booking and a
 * `shadow.compared` event. A crash or a timeout becomes mismatch kind `error`; nothing of it reaches
 * the booking. Owned by the engine; `drain` waits for the runs in flight (tests, benchmarks, shutdown).
 */
export function createShadowRunner(deps: AssignmentDeps, options: ShadowRunnerOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 2_000
  const maxPending = options.maxPending ?? 1000
  const concurrency = options.concurrency ?? 2
  const busy = options.busy ?? (() => false)
  const maxDeferMs = options.maxDeferMs ?? 5_000
  const inFlight = new Set<Promise<void>>()
  const waiting: Array<{ request: ShadowRequest; queuedAt: number }> = []
  let recheck: NodeJS.Timeout | null = null
  let dropped = 0
  let compared = 0
  let failed = 0

  async function run(request: ShadowRequest): Promise<void> {
    const { booking, legacy } = request
    const started = performance.now()
    let v3: Decision | null = null
    let error: string | undefined
    let timer: NodeJS.Timeout | undefined
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ShadowTimeout(`V3 decide passed its ${timeoutMs} ms shadow budget`)),
          timeoutMs,
        )
      })
      v3 = await Promise.race([
        decideV3(deps, booking, legacy.snapshot, {
          pipeline: 'v3',
          shadow: true,
          trigger: 'shadow',
          attemptNumber: legacy.attemptNumber,
          knobs: DEFAULT_KNOBS,
        }),
        deadline,
      ])
    } catch (caught) {
      error = (caught as Error).message
      failed++
    } finally {
      clearTimeout(timer)
    }
    const v3DurationMs = performance.now() - started
    const verdict = compareDecisions(sideOf(legacy), sideOf(v3, error))
    const legacyPlan = planOf(legacy)
    const v3Plan = planOf(v3)
    await insertShadowComparison(deps.db, {
      bookingId: booking.id,
      restaurantId: booking.restaurantId,
      match: verdict.match,
      mismatchKind: verdict.mismatchKind,
      legacyOutcome: { ...request.legacyOutcome, decided: legacyPlan?.tableKeys ?? [], reason: legacy.reason },
      v3Outcome: {
        outcome: error ? 'error' : v3Plan ? 'seated' : 'unseated',
        reason: error ?? v3?.reason ?? null,
        tables: v3Plan?.tableKeys ?? [],
        score: v3?.plans[0]?.v3Score ?? null,
        strategy: v3?.plans[0]?.strategy ?? null,
      },
      legacyDurationMs: request.legacyDurationMs,
      v3DurationMs,
      legacyPlan,
      v3Plan,
    })
    compared++
    deps.events.record({
      type: 'shadow.compared',
      source: 'shadow',
      severity: verdict.match ? 'info' : 'warning',
      restaurantId: booking.restaurantId,
      bookingId: booking.id,
      context: {
        shadow: true,
        match: verdict.match,
        mismatch_kind: verdict.mismatchKind,
        legacy_duration_ms: request.legacyDurationMs,
        v3_duration_ms: v3DurationMs,
        legacy_tables: legacyPlan?.tableKeys ?? [],
        v3_tables: v3Plan?.tableKeys ?? [],
      },
    })
  }

  /** Starts waiting runs while there is room, once intake is idle (or `force`: drain). */
  function pump(force = false): void {
    while (inFlight.size < concurrency && waiting.length > 0) {
      if (!force && busy() && performance.now() - waiting[0]!.queuedAt < maxDeferMs) {
        recheck ??= setTimeout(() => {
          recheck = null
          pump()
        }, IDLE_RECHECK_MS)
        recheck.unref()
        return
      }
      const { request } = waiting.shift()!
      const task: Promise<void> = run(request)
        .catch((caught) => {
          failed++
          console.error(`[shadow] comparison for ${request.booking.id} failed:`, (caught as Error).message)
        })
        .finally(() => {
          inFlight.delete(task)
          setImmediate(pump)
        })
      inFlight.add(task)
    }
  }

  return {
    /** Queues a comparison after the current request's work; returns at once. */
    schedule(request: ShadowRequest): void {
      if (waiting.length >= maxPending) {
        dropped++
        return
      }
      waiting.push({ request, queuedAt: performance.now() })
      // a later macrotask: the request that scheduled it answers first
      setImmediate(pump)
    },
    async drain(): Promise<void> {
      while (inFlight.size > 0 || waiting.length > 0) {
        pump(true)
        await Promise.all([...inFlight])
      }
    },
    stats: () => ({ pending: inFlight.size + waiting.length, compared, dropped, failed }),
  }
}

export type ShadowRunner = ReturnType<typeof createShadowRunner>
