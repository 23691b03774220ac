import { z } from 'zod'
import { assignmentState, bookingStatus } from '../db/schema/bookings.ts'
import { slugSchema } from '../restaurants/floor-schema.ts'
import { instantSchema } from '../validation/instant.ts'

/** POST /api/bookings body. "in the future" is checked against the request time by the service. */
export const createBookingSchema = z.object({
  restaurant: slugSchema,
  startAt: instantSchema('startAt'),
  partySize: z.number().int('partySize must be a whole number').min(1).max(100),
  durationMinutes: z.number().int().min(15).max(480).optional(),
  zone: z.string().min(1).max(64).optional(),
  guest: z.object({
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().email().max(320),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,32}$/, 'phone may hold digits, spaces, "+", "-", "(" and ")"')
      .optional(),
  }),
  idempotencyKey: z.string().min(1).max(200).optional(),
})

export type CreateBookingInput = z.infer<typeof createBookingSchema>

/**
 * GET /api/bookings query. Without a restaurant, both from and to are required, so a listing
 * across restaurants is always a bounded range of start times.
 */
export const listBookingsSchema = z
  .object({
    restaurant: slugSchema.optional(),
    status: z.enum(bookingStatus.enumValues).optional(),
    assignmentState: z.enum(assignmentState.enumValues).optional(),
    from: instantSchema('from').optional(),
    to: instantSchema('to').optional(),
    /** page size; the answer's total and nextCursor say what else matched */
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    cursor: z.string().min(1).max(200).optional(),
  })
  .superRefine((query, ctx) => {
    if (!query.restaurant && (!query.from || !query.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['restaurant'],
        message: 'give restaurant, or both from and to to bound the range of start times',
      })
    }
    if (query.from && query.to && new Date(query.from).getTime() >= new Date(query.to).getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from' })
    }
  })
