import type { GuardrailStatus, RampStage, RampState } from './ramp-types.ts'

/** What the state machine needs to know about a ramp. */
export interface RampPosition {
  state: RampState
  /** index into stages */
  stage: number
  stages: readonly RampStage[]
  /** when a scheduled ramp starts (null: as soon as the runner sees it) */
  startAt: Date | null
  stageStartedAt: Date | null
  pausedAt: Date | null
}

/** The runner's tick carries the guardrails of the current stage; people send the others. */
export type RampCommand =
  | { kind: 'tick'; guardrails: readonly GuardrailStatus[]; explain?: (status: GuardrailStatus) => string }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'advance' }
  | { kind: 'rollback' }

export type RampStep =
  /** nothing changes; `why` says what the ramp waits for */
  | { kind: 'wait'; why: string }
  | { kind: 'start'; to: 'running'; stage: 0; why: string }
  | { kind: 'advance'; to: 'running'; stage: number; why: string }
  | { kind: 'complete'; to: 'completed'; stage: number; why: string }
  | { kind: 'rollback'; to: 'rolled_back'; stage: number; why: string }
  | { kind: 'pause'; to: 'paused'; stage: number; why: string }
  /** resuming keeps the hold time left at the pause: the stage's clock moves by the paused time */
  | { kind: 'resume'; to: 'running'; stage: number; stageStartedAt: Date; why: string }
  /** the command does not apply in this state (HTTP 409) */
  | { kind: 'rejected'; why: string }

const MINUTE = 60_000

/** When the current stage's hold ends (null unless running). */
export function nextStageAt(ramp: RampPosition): Date | null {
  if (ramp.state === 'scheduled') return ramp.startAt
  if (ramp.state !== 'running' || !ramp.stageStartedAt) return null
  const stage = ramp.stages[ramp.stage]
  if (!stage) return null
  return new Date(ramp.stageStartedAt.getTime() + stage.holdMinutes * MINUTE)
}

function forward(ramp: RampPosition, why: string): RampStep {
  const last = ramp.stages.length - 1
  if (ramp.stage >= last) return { kind: 'complete', to: 'completed', stage: last, why }
  return { kind: 'advance', to: 'running', stage: ramp.stage + 1, why }
}

const describe = (statuses: readonly GuardrailStatus[], explain?: (s: GuardrailStatus) => string) =>
  statuses.map((status) => (explain ? explain(status) : `${status.metric} ${status.status}`)).join('; ')

/**
 * The staged-ramp state machine, pure (time comes in as `now`):
 *
 *   scheduled --tick at startAt / advance--> running(stage 0)
 *   running --tick: hold passed and every guardrail ok--> running(stage + 1) | completed (last stage)
 *   running --tick: any guardrail breached--> rolled_back (the runner sets the rule to 0 %)
 *   running --pause--> paused --resume--> running (hold time left is kept)
 *   running --advance (a person, with a comment)--> next stage | completed, guardrails or not
 *   scheduled | running | paused --rollback--> rolled_back;  scheduled --pause--> paused
 *
 * A guardrail that is failing (not yet for its breach window) or has insufficient data holds the
 * ramp where it is: the ramp never advances on missing evidence, and never rolls back on it either.
 * A paused ramp is in a person's hands: the runner neither advances nor rolls it back.
 * completed and rolled_back are final.
 */
export function decideRamp(ramp: RampPosition, command: RampCommand, now: Date): RampStep {
  const final = ramp.state === 'completed' || ramp.state === 'rolled_back'
  if (final) {
    return command.kind === 'tick'
      ? { kind: 'wait', why: `the ramp is ${ramp.state}` }
      : { kind: 'rejected', why: `The ramp is ${ramp.state.replace('_', ' ')}; start a new ramp instead` }
  }
  switch (command.kind) {
    case 'tick': {
      if (ramp.state === 'paused') return { kind: 'wait', why: 'paused by a person; resume to continue' }
      if (ramp.state === 'scheduled') {
        if (ramp.startAt && ramp.startAt.getTime() > now.getTime()) {
          return { kind: 'wait', why: `scheduled to start at ${ramp.startAt.toISOString()}` }
        }
        return { kind: 'start', to: 'running', stage: 0, why: 'start time reached' }
      }
      const breached = command.guardrails.filter((status) => status.status === 'breached')
      if (breached.length > 0) {
        return {
          kind: 'rollback',
          to: 'rolled_back',
          stage: ramp.stage,
          why: `guardrail breached: ${describe(breached, command.explain)}`,
        }
      }
      const holdEnds = nextStageAt(ramp)
      if (holdEnds && holdEnds.getTime() > now.getTime()) {
        return { kind: 'wait', why: `holding stage ${ramp.stage + 1} until ${holdEnds.toISOString()}` }
      }
      const notOk = command.guardrails.filter((status) => status.status !== 'ok')
      if (notOk.length > 0) return { kind: 'wait', why: `hold passed; waiting on ${describe(notOk, command.explain)}` }
      const evidence = command.guardrails.length > 0 ? `; ${describe(command.guardrails, command.explain)}` : ''
      return forward(ramp, `hold of ${ramp.stages[ramp.stage]?.holdMinutes ?? 0} min passed${evidence}`)
    }
    case 'pause':
      if (ramp.state === 'paused') return { kind: 'rejected', why: 'The ramp is already paused' }
      return { kind: 'pause', to: 'paused', stage: ramp.stage, why: 'paused' }
    case 'resume': {
      if (ramp.state !== 'paused')
        return { kind: 'rejected', why: `Only a paused ramp resumes; this one is ${ramp.state}` }
      if (!ramp.stageStartedAt) return { kind: 'start', to: 'running', stage: 0, why: 'resumed before it had started' }
      const pausedFor = ramp.pausedAt ? Math.max(0, now.getTime() - ramp.pausedAt.getTime()) : 0
      return {
        kind: 'resume',
        to: 'running',
        stage: ramp.stage,
        stageStartedAt: new Date(ramp.stageStartedAt.getTime() + pausedFor),
        why: 'resumed',
      }
    }
    case 'advance':
      if (ramp.state === 'paused') return { kind: 'rejected', why: 'Resume the ramp before advancing it' }
      if (ramp.state === 'scheduled') return { kind: 'start', to: 'running', stage: 0, why: 'started early' }
      return forward(ramp, 'advanced early')
    case 'rollback':
      return { kind: 'rollback', to: 'rolled_back', stage: ramp.stage, why: 'rolled back' }
  }
}
