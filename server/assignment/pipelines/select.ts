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
export function selectPipeline(
  flags: Pick<FlagService, 'evaluate'>,
  booking: { id: string; restaurantId: string },
): PipelineChoice {
  const context = { restaurantId: booking.restaurantId, bookingId: booking.id }
  const v3 = flags.evaluate('assignment.pipeline_v3', context)
  if (v3.value === true) return { pipeline: 'v3', shadow: false, reason: v3.reason }
  const shadow = flags.evaluate('assignment.pipeline_v3_shadow', context)
  return { pipeline: 'legacy', shadow: shadow.value === true, reason: v3.reason }
}
