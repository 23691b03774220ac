import type { Database, Transaction } from '../db/client.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import type { EngineMetrics } from '../observability/metrics.ts'
import type { FlagService } from '../flags/flag-service.ts'
import type { FloorCache } from './floor-snapshot.ts'
import type { PlanCache } from './plan-cache.ts'
import type { Coordinator } from './pipelines/v3/coordinator.ts'
import type { ShadowRunner } from './shadow/shadow-runner.ts'

/** What the assignment pipelines need from the engine; passed explicitly so each piece is testable. */
export interface AssignmentDeps {
  db: Database
  events: EventRecorder
  metrics: EngineMetrics
  flags: FlagService
  floors: FloorCache
  planCache: PlanCache
  /** how long a hold lives before the sweep may release it */
  holdTtlMs: number
  now: () => Date
  /** called after a confirmation email was queued, so the outbox worker sends it without waiting */
  onEmailQueued?: () => void
  /**
   * booking requests this process is answering (set by the engine once intake exists): optional
   * work sheds while there are many (re-seating, reseat-admission.ts)
   */
  intakeInFlight?: () => number
  /** pipeline V3 and shadow mode, set by the engine once they exist (they are built on these deps) */
  v3?: { coordinator?: Coordinator; shadow?: ShadowRunner }
  /** fault injection for chaos and recovery tests; never set in production */
  faults?: AssignmentFaults
}

export interface AssignmentFaults {
  /** wait this long after quoting, before the first hold (simulates a slow database) */
  delayBeforeHoldMs?: number
  /** called after each background attempt is recorded (e.g. to kill the process mid-job) */
  afterJobAttempt?: (attemptNumber: number) => void
  /** called by V3 after its state walk, before it decides; a throw is an infrastructure failure */
  beforeV3Decide?: (bookingId: string) => void | Promise<void>
  /** called inside the re-seating transaction after the moves, before the new booking's hold */
  afterReseatMoves?: (tx: Transaction) => void | Promise<void>
}
