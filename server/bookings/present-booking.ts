import type { Executor } from '../db/client.ts'
import { attemptCounts, emailsFor, liveTableKeys } from '../db/queries/bookings.ts'
import type { Booking } from '../db/schema/bookings.ts'

/** The contract's Booking, plus a few fields people ask for (guest, zone, last result). */
export interface ApiBooking {
  id: string
  reference: string
  restaurant: string
  status: Booking['status']
  assignmentState: Booking['assignmentState']
  partySize: number
  startAt: string
  endAt: string
  tables: string[]
  attempts: number
  emails: Array<{ kind: string; status: string; sentAt: string | null }>
  guest: { name: string; email: string; phone: string | null }
  zone: string | null
  manualReviewReason: string | null
  autoAssignLastResult: Booking['autoAssignLastResult']
  createdAt: string
}

export async function presentBookings(
  db: Executor,
  rows: Booking[],
  lookups: { slugByRestaurantId: (id: string) => string; zoneKeyById: (id: string) => string | null },
): Promise<ApiBooking[]> {
  const ids = rows.map((row) => row.id)
  const [tables, attempts, emails] = await Promise.all([
    liveTableKeys(db, ids),
    attemptCounts(db, ids),
    emailsFor(db, ids),
  ])
  return rows.map((row) => ({
    id: row.id,
    reference: row.reference,
    restaurant: lookups.slugByRestaurantId(row.restaurantId),
    status: row.status,
    assignmentState: row.assignmentState,
    partySize: row.partySize,
    startAt: row.startAt.toISOString(),
    endAt: row.endAt.toISOString(),
    tables: tables.get(row.id) ?? [],
    attempts: attempts.get(row.id) ?? 0,
    emails: emails.get(row.id) ?? [],
    guest: { name: row.guestName, email: row.guestEmail, phone: row.guestPhone },
    zone: row.zoneId ? lookups.zoneKeyById(row.zoneId) : null,
    manualReviewReason: row.manualReviewReason,
    autoAssignLastResult: row.autoAssignLastResult,
    createdAt: row.createdAt.toISOString(),
  }))
}
