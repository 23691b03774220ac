import type { EventType } from '../observability/event-catalog.ts'
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { presentBookings, type ApiBooking } from '../bookings/present-booking.ts'
import { loadBookingTimeline } from '../db/queries/booking-timeline.ts'
import { findBookingById } from '../db/queries/bookings.ts'
import { findRestaurantById, listZones } from '../db/queries/restaurants.ts'
import type { AssignmentAttempt } from '../db/schema/assignment.ts'
import type { ObservabilityEvent } from '../db/schema/observability.ts'
import { bookingReasonText } from './reason-text.ts'
import type { TimelineEntry } from './review-types.ts'
import { actorText, describeTransition, EVENT_WORDS } from './timeline-text.ts'

/** One booking's whole story for ops (/bookings/:id): what it is, and everything that happened to it. */
export interface BookingStory {
  /** what the page shows of the booking: no guest name, email or phone (ops read it, not staff) */
  booking: Pick<
    ApiBooking,
    | 'id'
    | 'reference'
    | 'restaurant'
    | 'partySize'
    | 'startAt'
    | 'status'
    | 'assignmentState'
    | 'tables'
    | 'attempts'
    | 'emails'
    | 'manualReviewReason'
  > & { restaurantName: string; timezone: string; version: number }
  /** oldest first: state transitions, assignment attempts and observability events */
  timeline: TimelineEntry[]
}

const list = (value: unknown) => (Array.isArray(value) ? value.map(String).join(' + ') : null)
const text = (value: unknown) => (typeof value === 'string' && value ? value : null)

/** An attempt with what ops ask about it: trigger, pipeline, number, outcome, reason in words, duration. */
export function describeAttemptForOps(row: AssignmentAttempt): TimelineEntry {
  const succeeded = row.outcome === 'confirmed'
  const tables = row.plan?.tableKeys?.join(' + ')
  return {
    at: row.startedAt.toISOString(),
    kind: 'attempt',
    title: `Attempt ${row.attemptNumber}: ${succeeded ? `seated at ${tables ?? 'tables'}` : row.outcome}`,
    detail: succeeded ? null : bookingReasonText(row.reasonCode),
    actor: row.trigger === 'manual' && row.pipeline === 'manual' ? null : 'the engine',
    facts: [
      { label: 'trigger', value: row.trigger },
      { label: 'pipeline', value: row.pipeline },
      { label: 'success', value: succeeded ? 'yes' : 'no' },
      ...(row.reasonCode ? [{ label: 'reason', value: row.reasonCode }] : []),
      { label: 'duration', value: `${row.durationMs.toFixed(1)} ms` },
    ],
  }
}

/** An observability event in words; the ones this page knows get a sentence, others their type. */
export function describeEvent(row: ObservabilityEvent): TimelineEntry {
  const c = row.context
  const base = {
    at: row.occurredAt.toISOString(),
    kind: 'event' as const,
    actor: text(c.actor) && actorText(c.actor as string),
  }
  const facts = (entries: Array<[string, unknown]>) =>
    entries
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([label, value]) => ({ label, value: String(value) }))
  switch (row.eventType) {
    case 'booking.reseated' satisfies EventType:
      return {
        ...base,
        title: EVENT_WORDS[row.eventType]!,
        detail: `From ${list(c.before) ?? '?'} to ${list(c.after) ?? '?'}, to seat another booking.`,
        facts: facts([
          ['before', list(c.before)],
          ['after', list(c.after)],
          ['for booking', c.forBooking],
        ]),
      }
    case 'shadow.compared' satisfies EventType:
      return {
        ...base,
        title:
          c.match === true
            ? 'Shadow V3 agreed with legacy'
            : `Shadow V3 differed (${text(c.mismatch_kind) ?? 'mismatch'})`,
        detail: `Legacy: ${list(c.legacy_tables) || 'no tables'}; V3: ${list(c.v3_tables) || 'no tables'}.`,
        facts: facts([
          ['legacy ms', c.legacy_duration_ms],
          ['v3 ms', c.v3_duration_ms],
        ]),
      }
    case 'auto_assign.retry_decision' satisfies EventType:
      return {
        ...base,
        title: `Retry policy v2: ${String(c.decision ?? 'decision').replace(/_/g, ' ')}`,
        detail: text(c.reason) ? bookingReasonText(c.reason as string) : null,
        facts: facts([['attempt', c.attempt_number]]),
      }
    default: {
      const known = EVENT_WORDS[row.eventType]
      const detail = [
        list(c.tables) ? `tables ${list(c.tables)}` : null,
        text(c.kind) ? `kind ${c.kind as string}` : null,
        text(c.reason) ? bookingReasonText(c.reason as string) : null,
        text(c.result) ? `result ${c.result as string}` : null,
      ].filter((part): part is string => part !== null)
      return {
        ...base,
        title: known ?? row.eventType,
        detail: detail.length > 0 ? detail.join('; ') : null,
        facts: facts([
          ['type', row.eventType],
          ['source', row.source],
          ['pipeline', c.pipeline],
        ]),
      }
    }
  }
}

/** state transitions are already in the timeline from their own table */
const DUPLICATE_EVENTS = new Set<string>(['booking.assignment_state_transition' satisfies EventType])

/** A booking's story, or null when there is no such booking. Four round trips, whatever the booking. */
export async function loadBookingStory(deps: AssignmentDeps, bookingId: string): Promise<BookingStory | null> {
  const booking = await findBookingById(deps.db, bookingId)
  if (!booking) return null
  const [restaurant, zones, story] = await Promise.all([
    findRestaurantById(deps.db, booking.restaurantId),
    listZones(deps.db, booking.restaurantId),
    loadBookingTimeline(deps.db, booking.id),
  ])
  const zoneKeyById = new Map(zones.map((zone) => [zone.id, zone.key]))
  const [presented] = await presentBookings(deps.db, [booking], {
    slugByRestaurantId: () => restaurant?.slug ?? booking.restaurantId,
    zoneKeyById: (id) => zoneKeyById.get(id) ?? null,
  })
  const timeline: TimelineEntry[] = [
    ...story.transitions.map((row) => describeTransition(row)),
    ...story.attempts.map((row) => describeAttemptForOps(row)),
    ...story.events.filter((row) => !DUPLICATE_EVENTS.has(row.eventType)).map((row) => describeEvent(row)),
  ].sort((a, b) => a.at.localeCompare(b.at))
  return {
    booking: {
      id: presented!.id,
      reference: presented!.reference,
      restaurant: presented!.restaurant,
      partySize: presented!.partySize,
      startAt: presented!.startAt,
      status: presented!.status,
      assignmentState: presented!.assignmentState,
      tables: presented!.tables,
      attempts: presented!.attempts,
      emails: presented!.emails,
      manualReviewReason: presented!.manualReviewReason,
      restaurantName: restaurant?.name ?? presented!.restaurant,
      timezone: restaurant?.timezone ?? 'UTC',
      version: booking.assignmentStateVersion,
    },
    timeline,
  }
}
