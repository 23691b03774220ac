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
  const v3 = await flags.details('assignment.pipeline_v3', context)
  const reason = v3.detail ?? v3.reason
  if (v3.value === true) return { pipeline: 'v3', shadow: false, reason }
  const shadow = await flags.details('assignment.pipeline_v3_shadow', context)
  return { pipeline: 'legacy', shadow: shadow.value === true, reason }
}
