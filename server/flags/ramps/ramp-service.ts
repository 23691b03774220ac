import type { Database } from '../../db/client.ts'
import { findRestaurantBySlug } from '../../db/queries/restaurants.ts'
import {
  findRamp,
  insertRamp,
  insertRampReadings,
  listRampReadings,
  listRamps,
  listRampsForRunner,
  updateRampFenced,
  type FlagRampRow,
  type RampUpdate,
} from '../../db/queries/ramps.ts'
import { insertFlagAudit } from '../../db/queries/flags.ts'
import type { MetricReader, MetricReading } from '../../analytics/metric-reader.ts'
import { AppError } from '../../errors.ts'
import type { EventRecorder } from '../../observability/event-recorder.ts'
import { FLAG_EVENTS, MAX_COMMENT_LENGTH, systemActor, type FlagEventType } from '../flag-events.ts'
import { requireFlag, type FlagService, type RuleChange } from '../flag-service.ts'
import { assessGuardrail, explainStatus, guardrailsOfStage, guardrailWindows, metricQuery } from './guardrails.ts'
import { decideRamp, nextStageAt, type RampPosition, type RampStep } from './ramp-machine.ts'
import type { GuardrailSpec, GuardrailStatus, RampHistoryEntry, RampStage, RampState } from './ramp-types.ts'

export interface RampServiceDeps {
  db: Database
  flags: FlagService
  events?: EventRecorder
  /** the metric catalogue (server/analytics/metric-reader.ts); tests pass a fixed series */
  metrics: MetricReader
  now?: () => Date
  log?: (message: string) => void
}

export interface NewRampInput {
  restaurantId: string | null
  stages: RampStage[]
  guardrails: GuardrailSpec[]
  startAt?: Date | null
  template?: string | null
}

export interface PersonContext {
  actor: string
  comment?: string | null
}

export type RampCommandKind = 'pause' | 'resume' | 'advance' | 'rollback'

/** A ramp as the API and the pages show it (docs/api.md Ramp, plus a few extensions). */
export interface RampView {
  id: string
  flag: string
  restaurant: string | null
  state: RampState
  stage: number
  stages: RampStage[]
  guardrails: Array<
    GuardrailSpec & Omit<GuardrailStatus, 'metric' | 'at'> & { at: string | null; scope: 'ramp' | 'stage' }
  >
  nextStageAt: string | null
  history: RampHistoryEntry[]
  startAt: string | null
  startedAt: string | null
  template: string | null
  lastReason: string | null
  createdBy: string | null
  createdAt: string
  version: number
}

const STEP_EVENTS: Partial<Record<RampStep['kind'], FlagEventType>> = {
  start: FLAG_EVENTS.rampStarted,
  advance: FLAG_EVENTS.rampAdvanced,
  complete: FLAG_EVENTS.rampCompleted,
  rollback: FLAG_EVENTS.rampRolledBack,
  pause: FLAG_EVENTS.rampPaused,
  resume: FLAG_EVENTS.rampResumed,
}

/** audit comments are bounded (MAX_COMMENT_LENGTH); the full reason stays in the ramp's history */
const clip = (text: string) => (text.length > MAX_COMMENT_LENGTH ? `${text.slice(0, MAX_COMMENT_LENGTH - 1)}…` : text)

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null)

function position(row: FlagRampRow): RampPosition {
  return {
    state: row.state,
    stage: row.currentStage,
    stages: row.stages,
    startAt: row.startAt,
    stageStartedAt: row.stageStartedAt,
    pausedAt: row.pausedAt,
  }
}

export function rampView(row: FlagRampRow): RampView {
  const stage = row.stages[row.currentStage]
  const specs = guardrailsOfStage(row.guardrails, stage)
  return {
    id: row.id,
    flag: row.flagKey,
    restaurant: row.restaurantSlug,
    state: row.state,
    stage: row.currentStage,
    stages: row.stages,
    guardrails: specs.map((spec, index) => {
      const status = row.guardrailStatus[index]
      const current = status && status.metric === spec.metric ? status : undefined
      return {
        ...spec,
        scope: index < row.guardrails.length ? ('ramp' as const) : ('stage' as const),
        status: current?.status ?? 'insufficient_data',
        value: current?.value ?? null,
        sampleSize: current?.sampleSize ?? 0,
        limit: current?.limit ?? spec.threshold ?? null,
        baseline: current?.baseline ?? null,
        failingSince: current?.failingSince ?? null,
        at: current?.at ?? null,
      }
    }),
    nextStageAt: iso(nextStageAt(position(row))),
    history: row.history,
    startAt: iso(row.startAt),
    startedAt: iso(row.startedAt),
    template: row.template,
    lastReason: row.lastReason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    version: row.version,
  }
}

const NO_READING: MetricReading = { value: null, sampleSize: 0 }

/**
 * Staged ramps: creation, people's commands, and the runner's tick. Every step goes through the
 * pure state machine (ramp-machine.ts), then one transaction applies it: the fenced ramp update,
 * the rule writes the stage implies, and their audit rows. Events follow the commit.
 */
export function createRampService(deps: RampServiceDeps) {
  const now = deps.now ?? (() => new Date())
  const log = deps.log ?? ((message: string) => console.error(message))

  async function load(id: string): Promise<FlagRampRow> {
    const row = await findRamp(deps.db, id)
    if (!row)
      throw new AppError('RAMP_NOT_FOUND', `There is no ramp ${id}; list a flag's ramps with GET /api/flags`, 404)
    return row
  }

  async function pilotIds(row: FlagRampRow, upToStage: number): Promise<string[]> {
    const slugs = new Set(row.stages.slice(0, upToStage + 1).flatMap((stage) => stage.restaurants ?? []))
    const ids: string[] = []
    for (const slug of slugs) {
      const restaurant = await findRestaurantBySlug(deps.db, slug)
      if (restaurant) ids.push(restaurant.id)
      else log(`[ramps] ramp ${row.id}: pilot restaurant ${slug} no longer exists; skipped`)
    }
    return ids
  }

  /** the rules a stage implies: the ramp's scope at the stage's percent, pilots fully on */
  async function stageRules(row: FlagRampRow, stageIndex: number) {
    const stage = row.stages[stageIndex]!
    const rules = [{ restaurantId: row.restaurantId, rolloutPercent: stage.percent }]
    if (!row.restaurantId) {
      for (const id of await pilotIds(row, stageIndex)) rules.push({ restaurantId: id, rolloutPercent: 100 })
    }
    return rules
  }

  /** rolled back: every rule the ramp set goes to 0 % */
  async function rollbackRules(row: FlagRampRow) {
    const rules = [{ restaurantId: row.restaurantId, rolloutPercent: 0 }]
    if (!row.restaurantId) {
      for (const id of await pilotIds(row, row.currentStage)) rules.push({ restaurantId: id, rolloutPercent: 0 })
    }
    return rules
  }

  /**
   * Applies a step of the machine. Returns the updated row, or null when the ramp changed since
   * it was read (the fence): the runner skips it, a person gets a 409.
   */
  async function apply(
    row: FlagRampRow,
    step: Exclude<RampStep, { kind: 'wait' } | { kind: 'rejected' }>,
    actor: string,
    comment: string | null,
    statuses: GuardrailStatus[],
  ): Promise<FlagRampRow | null> {
    const at = now()
    const reason = comment ? `${step.why}: ${comment}` : step.why
    const entry: RampHistoryEntry = {
      at: at.toISOString(),
      from: row.state,
      to: step.to,
      fromStage: row.currentStage,
      toStage: step.stage,
      reason,
      actor,
    }
    const stageChanges = step.stage !== row.currentStage || step.kind === 'start'
    const update: RampUpdate = {
      state: step.to,
      currentStage: step.stage,
      lastReason: reason,
      history: [...row.history, entry],
      guardrailStatus: stageChanges ? [] : statuses,
    }
    if (step.kind === 'start') Object.assign(update, { startedAt: at, stageStartedAt: at, pausedAt: null })
    if (step.kind === 'advance') update.stageStartedAt = at
    if (step.kind === 'pause') update.pausedAt = at
    if (step.kind === 'resume') Object.assign(update, { stageStartedAt: step.stageStartedAt, pausedAt: null })
    const rules =
      step.kind === 'start' || step.kind === 'advance'
        ? await stageRules(row, step.stage)
        : step.kind === 'rollback'
          ? await rollbackRules(row)
          : []
    const result = await deps.db.transaction(async (tx) => {
      const updated = await updateRampFenced(tx, row.id, row.version, update)
      if (!updated) return null
      const changes: RuleChange[] = []
      for (const rule of rules) {
        const change = await deps.flags.writeRule(
          tx,
          row.flagKey,
          { restaurantId: rule.restaurantId },
          { enabled: true, rolloutPercent: rule.rolloutPercent },
          { actor, comment: clip(`ramp ${step.kind}: ${reason}`), rampId: row.id, action: `ramp_${step.kind}` },
          { skipIfUnchanged: true },
        )
        if (change) changes.push(change)
      }
      await insertFlagAudit(tx, {
        flagKey: row.flagKey,
        restaurantId: row.restaurantId,
        actor,
        action: `ramp_${step.kind}`,
        before: { state: row.state, stage: row.currentStage },
        after: { state: step.to, stage: step.stage },
        comment: reason,
        rampId: row.id,
      })
      return { updated, changes }
    })
    if (!result) return null
    await deps.flags.publish(result.changes)
    const stage = row.stages[step.stage]
    const eventType = STEP_EVENTS[step.kind]
    if (eventType) {
      deps.events?.record({
        type: eventType,
        source: 'flags.ramps',
        // a rollback is what the alerts engineer's rules pick up (see docs/flags.md)
        severity: step.kind === 'rollback' ? 'error' : 'info',
        restaurantId: row.restaurantId,
        // engine time, so the alert over these events (flag_ramp_rolled_back) sees them in its window
        occurredAt: at,
        context: {
          ramp_id: row.id,
          // the runner's own rollback (a guardrail stayed breached): what ramp_auto_rollback_count counts
          automatic: actor === systemActor('ramp-runner'),
          flag: row.flagKey,
          from_state: row.state,
          to_state: step.to,
          from_stage: row.currentStage,
          to_stage: step.stage,
          percent: step.kind === 'rollback' ? 0 : (stage?.percent ?? null),
          reason,
          actor,
          guardrails: statuses.map((status) => ({
            metric: status.metric,
            status: status.status,
            value: status.value,
            limit: status.limit,
            sample_size: status.sampleSize,
          })),
        },
      })
    }
    return { ...result.updated, restaurantSlug: row.restaurantSlug }
  }

  async function readGuardrails(
    row: FlagRampRow,
    at: Date,
  ): Promise<{ specs: GuardrailSpec[]; statuses: GuardrailStatus[] }> {
    const specs = guardrailsOfStage(row.guardrails, row.stages[row.currentStage])
    const startedAt = row.startedAt ?? at
    const statuses: GuardrailStatus[] = []
    for (const [index, spec] of specs.entries()) {
      const windows = guardrailWindows(spec, startedAt, at)
      const read = (window: { from: Date; to: Date }) =>
        deps.metrics.read(spec.metric, metricQuery(spec, window, row.restaurantId)).catch((error: Error) => {
          log(`[ramps] ramp ${row.id}: reading ${spec.metric} failed: ${error.message}`)
          return NO_READING
        })
      const reading = await read(windows.current)
      const baseline = spec.relativeTo === 'baseline' ? await read(windows.baseline) : null
      statuses.push(assessGuardrail(spec, reading, baseline, row.guardrailStatus[index], at))
    }
    return { specs, statuses }
  }

  /** One runner pass over one ramp: read its guardrails, decide, apply. */
  async function tickRamp(row: FlagRampRow, at: Date): Promise<RampStep['kind'] | 'conflict'> {
    const { specs, statuses } = row.state === 'running' ? await readGuardrails(row, at) : { specs: [], statuses: [] }
    const explain = (status: GuardrailStatus) => {
      const spec = specs[statuses.indexOf(status)]
      return spec ? explainStatus(spec, status) : status.metric
    }
    const step = decideRamp(position(row), { kind: 'tick', guardrails: statuses, explain }, at)
    if (statuses.length > 0) {
      await insertRampReadings(
        deps.db,
        statuses.map((status, index) => ({
          rampId: row.id,
          stage: row.currentStage,
          guardrail: index,
          metric: status.metric,
          at,
          value: status.value,
          limit: status.limit,
          sampleSize: status.sampleSize,
          status: status.status,
        })),
      )
    }
    if (step.kind === 'rejected') return 'rejected'
    if (step.kind === 'wait') {
      const updated = await updateRampFenced(deps.db, row.id, row.version, {
        guardrailStatus: statuses,
        lastReason: step.why,
      })
      return updated ? 'wait' : 'conflict'
    }
    const applied = await apply(row, step, systemActor('ramp-runner'), null, statuses)
    return applied ? step.kind : 'conflict'
  }

  return {
    /** Creates a ramp; it starts at once unless startAt lies ahead. */
    async create(flagKey: string, input: NewRampInput, context: PersonContext): Promise<RampView> {
      const definition = requireFlag(flagKey)
      if (definition.valueType !== 'boolean') {
        throw new AppError(
          'RAMP_FLAG_NOT_BOOLEAN',
          `Ramps switch boolean flags on; "${flagKey}" is a ${definition.valueType} flag`,
          400,
        )
      }
      if (input.stages.length === 0) throw new AppError('RAMP_STAGES_REQUIRED', 'A ramp needs at least one stage', 400)
      for (const [index, stage] of input.stages.entries()) {
        const previous = input.stages[index - 1]
        if (previous && stage.percent < previous.percent) {
          throw new AppError(
            'RAMP_STAGES_DESCENDING',
            `Stage ${index + 1} (${stage.percent} %) is below stage ${index} (${previous.percent} %); a ramp only goes up`,
            400,
          )
        }
        if (stage.restaurants?.length && input.restaurantId) {
          throw new AppError(
            'RAMP_PILOTS_IN_RESTAURANT_RAMP',
            'Pilot restaurants belong to a global ramp; a restaurant ramp ramps over its bookings',
            400,
          )
        }
        for (const slug of stage.restaurants ?? []) {
          if (!(await findRestaurantBySlug(deps.db, slug))) {
            throw new AppError(
              'RESTAURANT_NOT_FOUND',
              `Stage ${index + 1} names pilot restaurant "${slug}", which does not exist`,
              400,
            )
          }
        }
      }
      // every metric must exist in the catalogue: a typo would leave the ramp waiting forever
      const at = now()
      for (const spec of [...input.guardrails, ...input.stages.flatMap((stage) => stage.guardrails ?? [])]) {
        try {
          await deps.metrics.read(spec.metric, { from: new Date(at.getTime() - 60_000), to: at })
        } catch (error) {
          if (error instanceof AppError && error.code === 'UNKNOWN_METRIC') {
            throw new AppError(
              'UNKNOWN_METRIC',
              `Guardrail metric "${spec.metric}" is not in the metric catalogue (GET /api/metrics lists them)`,
              400,
            )
          }
          throw error
        }
      }
      const startAt = input.startAt && input.startAt.getTime() > at.getTime() ? input.startAt : null
      const created = await deps.db.transaction(async (tx) => {
        const row = await insertRamp(tx, {
          flagKey,
          restaurantId: input.restaurantId,
          stages: input.stages,
          guardrails: input.guardrails,
          state: 'scheduled',
          startAt,
          template: input.template ?? null,
          createdBy: context.actor,
          lastReason: startAt ? `scheduled to start at ${startAt.toISOString()}` : null,
        })
        await insertFlagAudit(tx, {
          flagKey,
          restaurantId: input.restaurantId,
          actor: context.actor,
          action: 'ramp_created',
          before: null,
          after: {
            stages: input.stages,
            guardrails: input.guardrails,
            startAt: iso(startAt),
            template: input.template ?? null,
          },
          comment: context.comment?.trim() || 'ramp created',
          rampId: row.id,
        })
        return row
      })
      const row = await load(created.id)
      if (startAt) return rampView(row)
      const started = await apply(
        row,
        { kind: 'start', to: 'running', stage: 0, why: 'started' },
        context.actor,
        context.comment ?? null,
        [],
      )
      return rampView(started ?? (await load(created.id)))
    },

    async get(id: string): Promise<RampView> {
      return rampView(await load(id))
    },

    async list(filter: { flagKey?: string; states?: readonly RampState[] } = {}): Promise<RampView[]> {
      return (await listRamps(deps.db, filter)).map(rampView)
    },

    readings: (id: string) => listRampReadings(deps.db, id),

    /** pause, resume, advance (early, with a comment) or roll back, by a person or the API */
    async command(id: string, kind: RampCommandKind, context: PersonContext): Promise<RampView> {
      const comment = context.comment?.trim() || null
      if (kind === 'advance' && !comment) {
        throw new AppError('COMMENT_REQUIRED', 'Say why in "comment" when advancing a ramp before its gates pass', 400)
      }
      const row = await load(id)
      const step = decideRamp(position(row), { kind }, now())
      if (step.kind === 'rejected') throw new AppError('RAMP_STATE_CONFLICT', step.why, 409)
      if (step.kind === 'wait') return rampView(row)
      const applied = await apply(row, step, context.actor, comment, row.guardrailStatus)
      if (!applied) {
        throw new AppError(
          'RAMP_CHANGED',
          'The ramp changed while you acted (the runner or someone else moved it); reload and try again',
          409,
        )
      }
      return rampView(applied)
    },

    /** The runner: one pass over every scheduled or running ramp. */
    async tick(at: Date = now()) {
      const outcomes: Array<{ id: string; outcome: string }> = []
      for (const row of await listRampsForRunner(deps.db)) {
        try {
          outcomes.push({ id: row.id, outcome: await tickRamp(row, at) })
        } catch (error) {
          // one broken ramp must not stop the others; the next tick retries it
          log(`[ramps] ramp ${row.id} tick failed: ${(error as Error).message}`)
          outcomes.push({ id: row.id, outcome: 'error' })
        }
      }
      return outcomes
    },
  }
}

export type RampService = ReturnType<typeof createRampService>
