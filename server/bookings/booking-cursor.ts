import { z } from 'zod'
import { AppError } from '../errors.ts'

/** Where a page of GET /api/bookings ended: the last booking's start and id, opaque to callers. */
export interface BookingCursor {
  startAt: Date
  id: string
}

const cursorSchema = z.tuple([z.string().datetime(), z.string().uuid()])

export function encodeBookingCursor(last: { startAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([last.startAt.toISOString(), last.id])).toString('base64url')
}

/** The cursor a previous page answered as nextCursor; anything else is a 400 that says so. */
export function decodeBookingCursor(cursor: string): BookingCursor {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    decoded = undefined
  }
  const parsed = cursorSchema.safeParse(decoded)
  if (!parsed.success) {
    throw new AppError(
      'INVALID_CURSOR',
      'cursor is not one this API gave out; pass the nextCursor of the previous page unchanged, or omit it for the first page',
      400,
      [{ code: 'custom', path: ['cursor'], message: 'not a nextCursor value' }],
    )
  }
  return { startAt: new Date(parsed.data[0]), id: parsed.data[1] }
}
