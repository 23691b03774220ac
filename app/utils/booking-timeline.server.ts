import type { AppLoadContext } from '@remix-run/node'
import { z } from 'zod'

const bookingIdSchema = z.string().uuid()

/**
 * /bookings/:bookingId: the booking and its timeline (engine.review.timeline). A malformed id is
 * a 400, an unknown one a 404, both thrown as responses for the route's error boundary.
 */
export async function loadBookingStory(context: AppLoadContext, bookingId: string) {
  const id = bookingIdSchema.safeParse(bookingId)
  if (!id.success) throw new Response(`"${bookingId.slice(0, 80)}" is not a booking id (a UUID)`, { status: 400 })
  const story = await context.engine.review.timeline(id.data)
  if (!story) throw new Response(`There is no booking ${id.data}`, { status: 404 })
  return story
}
