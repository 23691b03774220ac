import { z } from 'zod'
import { RETRY_DECISIONS } from '../assignment/retry-decisions.ts'
import { ASSIGNMENT_STATES } from '../assignment/vocabulary.ts'
import {
  coordinatorOutcomeSchema,
  mismatchKindSchema,
  noopReasonSchema,
  pipelineSchema,
  triggerSchema,
} from '../assignment/vocabulary.ts'

/**
 * One zod schema per event type (docs/api.md, "Events" and the engine's own): producers build contexts of
 * these shapes, the recorder validates them, SQL and tests read them. Schemas name what consumers
 * rely on and pass through extra keys, so a producer may add detail without a schema change.
 * Every quote and attempt event carries `pipeline` and `shadow`: dashboards exclude shadow work.
 */

const stateSchema = z.enum(ASSIGNMENT_STATES)
const ms = z.number().nonnegative()
const nullableString = z.string().nullable()
const open = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough()
/** quote and attempt events: which pipeline did the work, and whether it was shadow work */
const work = { pipeline: pipelineSchema, shadow: z.boolean() }
/** how a coordinator run went: its whole duration (lock wait included) and its lock wait */
const coordinatorRun = {
  duration_ms: ms,
  lock_wait_ms: ms,
  // false: answered without the lock (a bulkhead refusal the process saw coming); optional: older rows
  locked: z.boolean().optional(),
  trigger: triggerSchema.optional(),
}

const flagRampEvent = open({
  ramp_id: z.string(),
  flag: z.string(),
  from_state: z.string(),
  to_state: z.string(),
  to_stage: z.number().int().nonnegative(),
  reason: z.string(),
  actor: z.string(),
  /** the runner's own step (a rollback it decided), not a person's command */
  automatic: z.boolean().optional(),
})

export const EVENT_SCHEMAS = {
  'booking.created': open({ party_size: z.number().int().positive(), start_at: z.string() }),
  'booking.confirmed': open({
    ...work,
    trigger: z.string(),
    version: z.number().int(),
    actor: z.string(),
    tables: z.array(z.string()),
  }),
  'booking.cancelled': open({ actor: z.string() }),
  'booking.reseated': open({ actor: z.string() }),
  'booking.assignment_state_transition': open({
    from: stateSchema.nullable(),
    to: stateSchema,
    version: z.number().int().nonnegative(),
    pipeline: pipelineSchema.nullable(),
    actor: z.string(),
  }),

  'auto_assign.quote': open({
    ...work,
    planner_duration_ms: ms,
    success: z.boolean(),
    reason: nullableString,
    reason_category: nullableString,
    require_adjacency: z.boolean(),
    max_tables: z.number().int(),
    trigger: triggerSchema,
    attempt_index: z.number().int(),
    cache_hit: z.boolean(),
    strategy: z.string(),
  }),
  'auto_assign.summary': open({
    attempts_used: z.number().int().nonnegative(),
    max_attempts: z.number().int(),
    result: z.string(),
    reason: nullableString,
    total_duration_ms: ms,
    pipeline: pipelineSchema.optional(),
    shadow: z.boolean().optional(),
  }),
  'auto_assign.failed': open({ reason: nullableString }),
  // what retry policy v2 decided that v1 would not have (server/assignment/retry-policy.ts)
  'auto_assign.retry_decision': open({
    decision: z.enum(RETRY_DECISIONS),
    policy: z.literal('v2'),
    attempt_number: z.number().int().positive(),
    reason: nullableString,
    pipeline: pipelineSchema,
  }),
  'auto_assign.enqueue_failed': open({ error: z.string() }),
  // the sweep found an open booking without a live job and queued one (a crash between commit and enqueue)
  'auto_assign.requeued': open({ job_id: z.string() }),

  'inline_auto_assign.started': open({ timeout_ms: z.number() }),
  'inline_auto_assign.finished': open({
    duration_ms: ms,
    outcome: z.enum(['confirmed', 'queued', 'timeout']),
    reason: nullableString,
    timed_out: z.boolean(),
    timeout_ms: z.number(),
    pipeline: pipelineSchema.optional(),
  }),
  // the inline attempt threw (not a planner answer): the job seats the booking
  'inline_auto_assign.error': open({ error: z.string() }),
  'inline_auto_assign.timeout': open({ timeout_ms: z.number(), duration_ms: ms }),

  'coordinator.started': open({ ...work, trigger: triggerSchema, lock_wait_ms: ms, attempt_number: z.number().int() }),
  'coordinator.finished': open({
    ...work,
    ...coordinatorRun,
    outcome: coordinatorOutcomeSchema,
    attempt_number: z.number().int(),
    reason: nullableString,
  }),
  'coordinator.noop': open({ ...work, ...coordinatorRun, reason: noopReasonSchema }),
  'coordinator.retry': open({
    ...work,
    ...coordinatorRun,
    delay_ms: z.number().int().nonnegative(),
    reason: z.string(),
    attempt_number: z.number().int(),
  }),

  // a restaurant's V3 circuit breaker opened / closed again (breaker_open_seconds reads the pair)
  'breaker.opened': open({ pipeline: pipelineSchema }),
  'breaker.closed': open({ pipeline: pipelineSchema }),

  'shadow.compared': open({
    match: z.boolean(),
    mismatch_kind: mismatchKindSchema.nullable(),
    legacy_duration_ms: ms.nullable(),
    v3_duration_ms: ms.nullable(),
    shadow: z.literal(true),
  }),

  'review.seated': open({ actor: z.string() }),
  'review.retried': open({ actor: z.string() }),
  'review.cancelled': open({ actor: z.string() }),
  // server/review: a move is also a seat (both are recorded); notes and expiry are the queue's own
  'review.moved': open({ actor: z.string(), fromStart: z.string(), toStart: z.string() }),
  'review.noted': open({ actor: z.string() }),
  'review.expired': open({ actor: z.string(), reason: nullableString }),

  // flags (server/flags/flag-events.ts names them; started and resumed are extensions)
  'flag.rule_changed': open({ flag: z.string(), actor: z.string(), comment: z.string(), ramp_id: nullableString }),
  'flag.ramp_started': flagRampEvent,
  'flag.ramp_advanced': flagRampEvent,
  'flag.ramp_rolled_back': flagRampEvent,
  'flag.ramp_paused': flagRampEvent,
  'flag.ramp_resumed': flagRampEvent,
  'flag.ramp_completed': flagRampEvent,

  'alert.firing': open({}),
  'alert.resolved': open({}),

  'email.sent': open({ kind: z.string() }),
  'email.failed': open({ kind: z.string() }),
  'email.retry_scheduled': open({ kind: z.string(), code: z.string(), nextAttemptAt: z.string() }),
  // a queued email that was not sent: its booking was cancelled first, or it was superseded
  'email.skipped': open({ kind: z.string(), reason: z.string() }),
  'email.duplicate_send': open({ kind: z.string() }),
  'email.worker_error': open({ error: z.string() }),
} as const satisfies Record<string, z.ZodTypeAny>

export type EventType = keyof typeof EVENT_SCHEMAS
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as [EventType, ...EventType[]]
export const eventTypeSchema = z.enum(EVENT_TYPES)
/** The context a producer passes for an event type (extra keys allowed). */
export type EventContext<T extends EventType> = z.input<(typeof EVENT_SCHEMAS)[T]>

export type EventCheck = { ok: true } | { ok: false; unknownType: boolean; message: string }

/** Checks one event's context against its type's schema; never throws. */
export function checkEvent(type: string, context: unknown): EventCheck {
  const schema = (EVENT_SCHEMAS as Record<string, z.ZodTypeAny>)[type]
  if (!schema) return { ok: false, unknownType: true, message: `event type "${type}" is not in the catalogue` }
  const parsed = schema.safeParse(context ?? {})
  if (parsed.success) return { ok: true }
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(context)'}: ${issue.message}`)
  return { ok: false, unknownType: false, message: `${type} context invalid: ${issues.join('; ')}` }
}
