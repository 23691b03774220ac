import type { MetricQuery, MetricReading } from '../../analytics/metric-reader.ts'
import {
  DEFAULT_BREACH_MINUTES,
  DEFAULT_MIN_SAMPLE,
  DEFAULT_WINDOW_MINUTES,
  type GuardrailSpec,
  type GuardrailStatus,
  type RampStage,
} from './ramp-types.ts'

const MINUTE = 60_000

/** The ramp's own guardrails followed by the current stage's gates, in that order. */
export function guardrailsOfStage(rampGuardrails: readonly GuardrailSpec[], stage: RampStage | undefined) {
  return [...rampGuardrails, ...(stage?.guardrails ?? [])]
}

/**
 * The windows a guardrail reads at `now`: the last windowMinutes, but never before the ramp started
 * (what came before is the baseline's, not the ramp's), and the baseline: the same length of time
 * just before the ramp started.
 */
export function guardrailWindows(spec: GuardrailSpec, rampStartedAt: Date, now: Date) {
  const length = (spec.windowMinutes ?? DEFAULT_WINDOW_MINUTES) * MINUTE
  const from = new Date(Math.max(rampStartedAt.getTime(), now.getTime() - length))
  return {
    current: { from, to: now },
    baseline: { from: new Date(rampStartedAt.getTime() - length), to: rampStartedAt },
  }
}

export function metricQuery(spec: GuardrailSpec, window: { from: Date; to: Date }, restaurantId: string | null) {
  const query: MetricQuery = { from: window.from, to: window.to, restaurantId }
  if (spec.reason) query.reason = spec.reason
  return query
}

/** The limit the value is held to: the threshold, or the baseline moved by maxDelta in the allowed direction. */
export function guardrailLimit(spec: GuardrailSpec, baseline: number | null): number | null {
  if (spec.threshold !== undefined) return spec.threshold
  if (baseline === null || spec.maxDelta === undefined) return null
  return spec.comparator === 'lte' ? baseline + spec.maxDelta : baseline - spec.maxDelta
}

export const describeGuardrail = (spec: GuardrailSpec) => {
  const op = spec.comparator === 'lte' ? '<=' : '>='
  const limit =
    spec.threshold !== undefined
      ? `${spec.threshold}`
      : `baseline ${spec.comparator === 'lte' ? '+' : '-'} ${spec.maxDelta ?? 0}`
  return `${spec.metric}${spec.reason ? `[${spec.reason}]` : ''} ${op} ${limit}`
}

/**
 * One guardrail at one moment. Policy: a reading with fewer than minSample observations (or no
 * value, or no baseline for a relative limit) is insufficient_data and stops the failing clock; a
 * reading that fails its limit starts the clock (failing) and is breached once it has failed on
 * every reading for breachMinutes; a passing reading is ok and resets the clock.
 */
export function assessGuardrail(
  spec: GuardrailSpec,
  reading: MetricReading,
  baseline: MetricReading | null,
  previous: GuardrailStatus | undefined,
  now: Date,
): GuardrailStatus {
  const minSample = spec.minSample ?? DEFAULT_MIN_SAMPLE
  const baselineValue = baseline?.value ?? null
  const limit = guardrailLimit(spec, baselineValue)
  const base = {
    metric: spec.metric,
    value: reading.value,
    sampleSize: reading.sampleSize,
    limit,
    baseline: baselineValue,
    at: now.toISOString(),
  }
  if (reading.value === null || reading.sampleSize < minSample || limit === null) {
    return { ...base, status: 'insufficient_data', failingSince: null }
  }
  const passes = spec.comparator === 'lte' ? reading.value <= limit : reading.value >= limit
  if (passes) return { ...base, status: 'ok', failingSince: null }
  const failingSince = previous?.metric === spec.metric && previous.failingSince ? previous.failingSince : base.at
  const failedFor = now.getTime() - new Date(failingSince).getTime()
  const breachMs = (spec.breachMinutes ?? DEFAULT_BREACH_MINUTES) * MINUTE
  return { ...base, status: failedFor >= breachMs ? 'breached' : 'failing', failingSince }
}

/** "avg_attempts 3.2 > 2.5 (n=140)": what a person reads in the ramp's history. */
export function explainStatus(spec: GuardrailSpec, status: GuardrailStatus): string {
  const minSample = spec.minSample ?? DEFAULT_MIN_SAMPLE
  if (status.status === 'insufficient_data') {
    if (status.limit === null && spec.relativeTo === 'baseline') return `${spec.metric} has no baseline before the ramp`
    return `${spec.metric} has ${status.sampleSize} of ${minSample} observations needed`
  }
  const op = status.status === 'ok' ? (spec.comparator === 'lte' ? '<=' : '>=') : spec.comparator === 'lte' ? '>' : '<'
  const value = status.value === null ? 'n/a' : round(status.value)
  const limit = status.limit === null ? 'n/a' : round(status.limit)
  const since =
    status.status === 'breached'
      ? ` for ${spec.breachMinutes ?? DEFAULT_BREACH_MINUTES} min`
      : status.status === 'failing'
        ? ` since ${status.failingSince}`
        : ''
  return `${spec.metric} ${value} ${op} ${limit}${since} (n=${status.sampleSize})`
}

const round = (value: number) => Math.round(value * 1000) / 1000
