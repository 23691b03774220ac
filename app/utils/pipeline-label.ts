import type { PipelineExposure } from '../../server/assignment/pipelines/select.ts'

/** "Legacy", "V3", or "V3 on 25% of bookings" (a restaurant rule ramping over its bookings). */
export function pipelineLabel(exposure: PipelineExposure): string {
  if (exposure.pipeline === 'v3') return 'V3'
  if (exposure.pipeline === 'mixed') return `V3 on ${exposure.v3Percent}% of bookings`
  return 'Legacy'
}

/** "shadow on", "shadow on 10%" or "" (V3 compared beside the legacy bookings). */
export function shadowLabel(exposure: PipelineExposure): string {
  if (!exposure.shadow) return ''
  return exposure.shadowPercent >= 100 ? 'shadow on' : `shadow on ${exposure.shadowPercent}%`
}

export interface RampSummary {
  flag: string
  restaurant: string | null
  state: string
  stage: number
  stages: number
  percent: number | null
}

/** "assignment.pipeline_v3 (global) stage 2 of 4 at 25% running" (no comma: one CSV field, unquoted) */
export function rampText(ramp: RampSummary): string {
  const percent = ramp.percent === null ? '' : ` at ${ramp.percent}%`
  return `${ramp.flag} (${ramp.restaurant ?? 'global'}) stage ${ramp.stage} of ${ramp.stages}${percent} ${ramp.state}`
}
