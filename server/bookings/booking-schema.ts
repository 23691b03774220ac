import { z } from 'zod'
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

export const listBookingsSchema = z.object({
  restaurant: slugSchema,
  status: z.enum(['pending_allocation', 'confirmed', 'cancelled']).optional(),
  from: instantSchema('from').optional(),
  to: instantSchema('to').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
