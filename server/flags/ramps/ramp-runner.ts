import type { Scheduler } from '../../scheduling/scheduler.ts'
import type { RampService } from './ramp-service.ts'

export const RAMP_RUNNER_TASK = 'flags.ramps'
export const RAMP_RUNNER_INTERVAL_MS = 30_000

/**
 * Registers the ramp runner on the engine's scheduler: every 30 s (a stage holds for minutes to
 * days) the one process holding the task's lease reads the guardrails of every running ramp and
 * advances, holds or rolls back. Exactly one runner across processes comes from the scheduler's
 * lease; the ramps' fenced updates keep a person's command and the runner from both winning.
 */
export function registerRampRunner(scheduler: Scheduler, ramps: RampService, intervalMs = RAMP_RUNNER_INTERVAL_MS) {
  scheduler.every({
    name: RAMP_RUNNER_TASK,
    intervalMs,
    run: async ({ now }) => {
      await ramps.tick(now)
    },
  })
}
