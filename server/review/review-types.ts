import type { ApiBooking } from '../bookings/present-booking.ts'

/** Who acts: a signed-in person (pages) or a system holding the API token. */
export interface ReviewActor {
  userId: string | null
  /** shown to people: "Sam Staff", "API" */
  name: string
  /** stored in history and audit: "user:sam@example.com", "api" */
  id: string
}

/** docs/api.md: Booking & { reviewReason, waitingSince, version }, plus what the page shows. */
export interface ReviewBooking extends ApiBooking {
  version: number
  reviewReason: string | null
  /** the reason in words a host understands (server/review/reason-text.ts) */
  reviewReasonText: string
  waitingSince: string | null
  restaurantName: string
  timezone: string
  service: { key: string; label: string }
  /** the start in the restaurant's time: "Wed 2 Dec", "19:00" */
  local: { date: string; time: string }
}

export interface ReviewSuggestion {
  id: string
  tables: string[]
  zone: string
  capacity: number
  relaxed: string[]
  startAt: string
  /** "As booked", "Tables not side by side", "15 min later" */
  label: string
  fit: string
  overage: number
  /** the suggestion moves the booking to another start */
  moves: boolean
  /** a re-seating suggestion: other bookings move to make room ("B-17 from T4 to T6") */
  reseat?: Array<{ reference: string; from: string[]; to: string[] }>
}

export type TableState = 'free' | 'busy' | 'held' | 'inactive'

export interface ReviewTable {
  key: string
  zone: string
  capacity: number
  /** docs/api.md: free for this booking's window */
  free: boolean
  state: TableState
  /** ISO: end of the busy stretch that overlaps the booking */
  busyUntil: string | null
  /** the same in the restaurant's time, "20:30" */
  busyUntilLabel: string | null
  /** why it cannot take this booking, for a host; absent when it can */
  why?: string
  /** free and part of at least one suggestion */
  suggested: boolean
}

export interface TimelineEntry {
  at: string
  kind: 'state' | 'attempt' | 'note' | 'action' | 'event'
  title: string
  detail: string | null
  actor: string | null
  /** labelled values (trigger, pipeline, duration...) the booking timeline shows under the title */
  facts?: Array<{ label: string; value: string }>
}

export interface ReviewDetail {
  booking: ReviewBooking
  /** false once someone (or the engine) resolved it: the page shows what happened, no actions */
  inReview: boolean
  suggestions: ReviewSuggestion[]
  suggestionsComputedAt: string
  tables: ReviewTable[]
  zones: Array<{ key: string; name: string }>
  adjacency: Array<[string, string]>
  timeline: TimelineEntry[]
  /** starts a move may pick: the booking's start +/- 15 and 30 minutes, not in the past */
  moveOptions: Array<{ startAt: string; label: string }>
}

export interface SeatRequest {
  bookingId: string
  tables: string[]
  expectedVersion: number
  /** a move: the new start (the block keeps its length) */
  startAt?: string
  /** the id of the suggestion picked; a re-seating suggestion moves its bookings with the seat */
  suggestion?: string
  actor: ReviewActor
}

export interface SeatOutcome {
  booking: ApiBooking
  tables: string[]
  emailQueued: boolean
  moved: boolean
}

export interface RetryOutcome {
  booking: ApiBooking
  outcome: 'confirmed' | 'manual_review' | 'other'
  reason: string | null
  reasonText: string | null
}
