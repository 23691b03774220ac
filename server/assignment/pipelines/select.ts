import type { BooleanFlag } from '../../flags/definitions.ts'
import type { FlagService } from '../../flags/flag-service.ts'
import type { Pipeline } from '../vocabulary.ts'

export interface PipelineChoice {
  /** the pipeline that acts for this booking */
  pipeline: Pipeline
  /** V3's decide also runs beside legacy, without side effects, and is compared */
  shadow: boolean
  /** the flag evaluation's reason, for events and the booking's timeline */
  reason: string
}

const V3_FLAG: BooleanFlag = 'assignment.pipeline_v3'
const V3_SHADOW_FLAG: BooleanFlag = 'assignment.pipeline_v3_shadow'

/** What a restaurant's bookings run now, for the pages: the share of them on V3, and shadow on the rest. */
export interface PipelineExposure {
  /** 'legacy' when no booking goes to V3, 'v3' when every one does, 'mixed' when a rule ramps V3 over bookings */
  pipeline: Pipeline | 'mixed'
  /** percent of the restaurant's bookings that V3 seats (0, 100, or the restaurant rule's rollout) */
  v3Percent: number
  /** V3 also runs in shadow beside the legacy bookings (some or all of them) */
  shadow: boolean
  /** percent of the legacy bookings that V3 shadows */
  shadowPercent: number
}

/**
 * The same flags selectPipeline reads, summarised per restaurant from the rule snapshot (no
 * query): the overview's pipeline column. The kill switch counts as it does on the booking path.
 */
export function pipelineExposure(flags: Pick<FlagService, 'exposure'>, restaurantId: string): PipelineExposure {
  const v3Percent = flags.exposure(V3_FLAG, restaurantId).percent
  const shadowPercent = v3Percent < 100 ? flags.exposure(V3_SHADOW_FLAG, restaurantId).percent : 0
  return {
    pipeline: v3Percent >= 100 ? 'v3' : v3Percent <= 0 ? 'legacy' : 'mixed',
    v3Percent,
    shadow: shadowPercent > 0,
    shadowPercent,
  }
}

/**
 * The one seam: intake and the job ask this which pipeline seats a booking. The flag is evaluated
 * per booking, so a restaurant rule ramps over that restaurant's bookings and a global rule over
 * restaurants; the environment override (the kill switch) wins over both. Asked again at every
 * step, a booking goes back to legacy at its next step once the switch is off. A booking is never
 * acted on by both: shadow is only ever V3 beside a legacy booking.
 */
export async function selectPipeline(
  flags: Pick<FlagService, 'details'>,
  booking: { id: string; restaurantId: string },
): Promise<PipelineChoice> {
  const context = { restaurantId: booking.restaurantId, bookingId: booking.id }
  // through OpenFeature (flags.details); the reason is Maitre's precise one when its provider answers
  const v3 = await flags.details(V3_FLAG, context)
  const reason = v3.detail ?? v3.reason
  if (v3.value === true) return { pipeline: 'v3', shadow: false, reason }
  const shadow = await flags.details(V3_SHADOW_FLAG, context)
  return { pipeline: 'legacy', shadow: shadow.value === true, reason }
}
