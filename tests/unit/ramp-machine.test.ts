import { describe, expect, it } from 'vitest'
import { assessGuardrail, guardrailLimit, guardrailWindows } from '../../server/flags/ramps/guardrails.ts'
import { decideRamp, nextStageAt, type RampPosition } from '../../server/flags/ramps/ramp-machine.ts'
import type { GuardrailSpec, GuardrailStatus } from '../../server/flags/ramps/ramp-types.ts'

const t0 = new Date('2026-12-01T10:00:00Z')
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
const stages = [
  { percent: 10, holdMinutes: 60 },
  { percent: 50, holdMinutes: 60 },
]
const running = (overrides: Partial<RampPosition> = {}): RampPosition => ({
  state: 'running',
  stage: 0,
  stages,
  startAt: null,
  stageStartedAt: t0,
  pausedAt: null,
  ...overrides,
})
const status = (state: GuardrailStatus['status']): GuardrailStatus => ({
  metric: 'job_success_rate',
  status: state,
  value: 70,
  sampleSize: 40,
  limit: 65,
  baseline: null,
  failingSince: null,
  at: t0.toISOString(),
})
const tick = (guardrails: GuardrailStatus[]) => ({ kind: 'tick' as const, guardrails })

describe('ramp state machine', () => {
  it('holds a stage until its hold time has passed, then advances, then completes', () => {
    expect(decideRamp(running(), tick([status('ok')]), at(59)).kind).toBe('wait')
    expect(decideRamp(running(), tick([status('ok')]), at(60))).toMatchObject({ kind: 'advance', stage: 1 })
    expect(decideRamp(running({ stage: 1, stageStartedAt: at(60) }), tick([]), at(120))).toMatchObject({
      kind: 'complete',
      to: 'completed',
    })
    expect(nextStageAt(running())).toEqual(at(60))
  })
  it('never advances on missing evidence or a failing guardrail, and rolls back on a breach', () => {
    expect(decideRamp(running(), tick([status('ok'), status('insufficient_data')]), at(90))).toMatchObject({
      kind: 'wait',
    })
    expect(decideRamp(running(), tick([status('failing')]), at(90)).kind).toBe('wait')
    // a breach rolls back even during the hold
    expect(decideRamp(running(), tick([status('ok'), status('breached')]), at(5))).toMatchObject({
      kind: 'rollback',
      to: 'rolled_back',
    })
  })
  it('starts a scheduled ramp at its start time', () => {
    const scheduled = running({ state: 'scheduled', stageStartedAt: null, startAt: at(30) })
    expect(decideRamp(scheduled, tick([]), at(29)).kind).toBe('wait')
    expect(decideRamp(scheduled, tick([]), at(30))).toMatchObject({ kind: 'start', stage: 0 })
    expect(decideRamp(scheduled, { kind: 'advance' }, at(1))).toMatchObject({ kind: 'start' })
  })
  it('a paused ramp waits for a person and keeps the hold time it had left', () => {
    const paused = running({ state: 'paused', pausedAt: at(20) })
    expect(decideRamp(paused, tick([status('breached')]), at(500)).kind).toBe('wait')
    expect(decideRamp(paused, { kind: 'advance' }, at(30)).kind).toBe('rejected')
    const resumed = decideRamp(paused, { kind: 'resume' }, at(50))
    expect(resumed).toMatchObject({ kind: 'resume', stageStartedAt: at(30) })
    expect(decideRamp(running(), { kind: 'resume' }, at(1)).kind).toBe('rejected')
    expect(decideRamp(paused, { kind: 'pause' }, at(1)).kind).toBe('rejected')
  })
  it('final states accept nothing', () => {
    for (const state of ['completed', 'rolled_back'] as const) {
      expect(decideRamp(running({ state }), { kind: 'rollback' }, at(1)).kind).toBe('rejected')
      expect(decideRamp(running({ state }), tick([status('breached')]), at(1)).kind).toBe('wait')
    }
  })
})

describe('guardrails', () => {
  const absolute: GuardrailSpec = {
    metric: 'job_success_rate',
    comparator: 'gte',
    threshold: 65,
    minSample: 20,
    breachMinutes: 30,
  }
  const relative: GuardrailSpec = {
    metric: 'inline_timeout_pct',
    comparator: 'lte',
    relativeTo: 'baseline',
    maxDelta: 10,
  }

  it('needs the minimum sample before it judges', () => {
    expect(assessGuardrail(absolute, { value: 10, sampleSize: 19 }, null, undefined, t0).status).toBe(
      'insufficient_data',
    )
    expect(assessGuardrail(absolute, { value: null, sampleSize: 0 }, null, undefined, t0).status).toBe(
      'insufficient_data',
    )
    expect(assessGuardrail(absolute, { value: 70, sampleSize: 20 }, null, undefined, t0).status).toBe('ok')
  })
  it('is breached only after failing on every reading for breachMinutes; a pass resets the clock', () => {
    const first = assessGuardrail(absolute, { value: 50, sampleSize: 30 }, null, undefined, at(0))
    expect(first).toMatchObject({ status: 'failing', failingSince: at(0).toISOString() })
    const later = assessGuardrail(absolute, { value: 50, sampleSize: 30 }, null, first, at(29))
    expect(later.status).toBe('failing')
    expect(assessGuardrail(absolute, { value: 50, sampleSize: 30 }, null, later, at(30)).status).toBe('breached')
    const recovered = assessGuardrail(absolute, { value: 66, sampleSize: 30 }, null, later, at(29))
    expect(recovered).toMatchObject({ status: 'ok', failingSince: null })
    const again = assessGuardrail(absolute, { value: 50, sampleSize: 30 }, null, recovered, at(31))
    expect(again.status).toBe('failing')
  })
  it('limits the change against the baseline before the ramp', () => {
    expect(guardrailLimit(relative, 20)).toBe(30)
    expect(guardrailLimit({ ...relative, comparator: 'gte' }, 20)).toBe(10)
    expect(
      assessGuardrail(relative, { value: 29, sampleSize: 5 }, { value: 20, sampleSize: 5 }, undefined, t0).status,
    ).toBe('ok')
    expect(
      assessGuardrail(relative, { value: 31, sampleSize: 5 }, { value: 20, sampleSize: 5 }, undefined, t0).status,
    ).toBe('failing')
    expect(
      assessGuardrail(relative, { value: 31, sampleSize: 5 }, { value: null, sampleSize: 0 }, undefined, t0).status,
    ).toBe('insufficient_data')
  })
  it('reads the window since the ramp started and the same length before it', () => {
    const windows = guardrailWindows({ ...absolute, windowMinutes: 60 }, at(0), at(20))
    expect(windows.current).toEqual({ from: at(0), to: at(20) })
    expect(windows.baseline).toEqual({ from: at(-60), to: at(0) })
    expect(guardrailWindows({ ...absolute, windowMinutes: 60 }, at(0), at(200)).current.from).toEqual(at(140))
  })
})
