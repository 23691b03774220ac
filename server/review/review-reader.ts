import { explainQuote, type Explanation } from '../../planner/index.ts'
import type { AssignmentDeps } from '../assignment/assignment-deps.ts'
import { DEFAULT_KNOBS } from '../assignment/quote.ts'
import { presentBookings, type ApiBooking } from '../bookings/present-booking.ts'
import type { Executor } from '../db/client.ts'
import { findBookingById } from '../db/queries/bookings.ts'
import { findRestaurantById, listZones } from '../db/queries/restaurants.ts'
import {
  listAttempts,
  listBookingAudit,
  listFloorAllocations,
  listNotes,
  listStateHistory,
} from '../db/queries/review-detail.ts'
import { WAITING_STATES } from '../assignment/state-machine.ts'
import { countReviewQueue, listReviewQueue, type QueueRow } from '../db/queries/review-queue.ts'
import { findStoredSuggestions, storeSuggestions } from '../db/queries/review-suggestions.ts'
import type { Booking } from '../db/schema/bookings.ts'
import type { Restaurant } from '../db/schema/restaurants.ts'
import type { StoredSuggestion } from '../db/schema/review.ts'
import { bookingReasonText, fitText, relaxationText, reseatText, tableReasonText } from './reason-text.ts'
import { createReseatMisses, lacksReseat, reseatSuggestion } from './reseat-suggestion.ts'
import type { ReviewBooking, ReviewDetail, ReviewSuggestion, ReviewTable, TimelineEntry } from './review-types.ts'
import { loadBookingStory } from './booking-timeline.ts'
import { serviceOf } from './service-period.ts'
import { SUGGESTION_REACH_MS, suggestPlans } from './suggestions.ts'
import { describeAction, describeAttempt, describeTransition } from './timeline-text.ts'

const MOVE_SHIFTS_MINUTES = [-30, -15, 15, 30]

const labelFormats = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>()

/** Labels computed here, once, so the server render and the browser never disagree on them. */
function localLabels(at: Date, timeZone: string): { date: string; time: string } {
  let formats = labelFormats.get(timeZone)
  if (!formats) {
    formats = {
      date: new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }),
      time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    }
    labelFormats.set(timeZone, formats)
  }
  return { date: formats.date.format(at), time: formats.time.format(at) }
}

function toReviewBooking(
  presented: ApiBooking,
  row: Booking,
  restaurant: Pick<Restaurant, 'name' | 'timezone' | 'servicePeriods'>,
  waitingSince: Date | null,
): ReviewBooking {
  const service = serviceOf(row.startAt, restaurant)
  return {
    local: localLabels(row.startAt, restaurant.timezone),
    ...presented,
    version: row.assignmentStateVersion,
    reviewReason: row.manualReviewReason,
    reviewReasonText: bookingReasonText(row.manualReviewReason),
    waitingSince: waitingSince?.toISOString() ?? null,
    restaurantName: restaurant.name,
    timezone: restaurant.timezone,
    service: { key: service.key, label: service.label },
  }
}

async function presentQueue(db: Executor, rows: QueueRow[]): Promise<ReviewBooking[]> {
  const slugById = new Map(rows.map((row) => [row.restaurant.id, row.restaurant.slug]))
  const zoneKeyById = new Map(
    rows.flatMap((row) => (row.booking.zoneId && row.zoneKey ? [[row.booking.zoneId, row.zoneKey]] : [])),
  )
  const presented = await presentBookings(
    db,
    rows.map((row) => row.booking),
    { slugByRestaurantId: (id) => slugById.get(id) ?? id, zoneKeyById: (id) => zoneKeyById.get(id) ?? null },
  )
  return rows.map((row, index) => toReviewBooking(presented[index]!, row.booking, row.restaurant, row.waitingSince))
}

export interface FloorContext {
  restaurant: Restaurant
  zones: Array<{ id: string; key: string; name: string }>
  floor: Awaited<ReturnType<AssignmentDeps['floors']['get']>>
}

export async function loadFloorContext(deps: AssignmentDeps, restaurantId: string): Promise<FloorContext | null> {
  const restaurant = await findRestaurantById(deps.db, restaurantId)
  if (!restaurant) return null
  const [zones, floor] = await Promise.all([
    listZones(deps.db, restaurantId),
    deps.floors.get(deps.db, restaurantId, restaurant.floorVersion),
  ])
  return { restaurant, zones, floor }
}

/** Busy windows around a booking, wide enough for every shifted suggestion; its own rows left out. */
async function busyAround(deps: AssignmentDeps, booking: Booking) {
  const allocations = await listFloorAllocations(
    deps.db,
    booking.restaurantId,
    {
      from: new Date(booking.startAt.getTime() - SUGGESTION_REACH_MS),
      to: new Date(booking.endAt.getTime() + SUGGESTION_REACH_MS),
    },
    deps.now(),
  )
  return allocations.filter((allocation) => allocation.bookingId !== booking.id)
}

/**
 * Computes a booking's suggestions on the availability it reads now and stores them with the
 * versions read before that, so a change in between only makes the row look stale (and the
 * refresh task computes it again), never fresh when it is not. The re-seating suggestion only
 * with `reseat` (the booking page asks for it; the refresh task does not: reseat-suggestion.ts).
 */
export async function computeSuggestions(
  deps: AssignmentDeps,
  booking: Booking,
  context: FloorContext,
  options: { reseat: boolean },
): Promise<{ suggestions: StoredSuggestion[]; computedAt: Date }> {
  const allocations = await busyAround(deps, booking)
  const computedAt = deps.now()
  const planned = suggestPlans({
    tables: context.floor.tables,
    adjacency: context.floor.adjacency,
    busy: allocations.map((a) => ({ tableId: a.tableId, start: a.start.getTime(), end: a.end.getTime() })),
    keyById: context.floor.keyById,
    zoneKeyById: new Map(context.zones.map((zone) => [zone.id, zone.key])),
    floorVersion: `${booking.restaurantId}:${context.floor.floorVersion}`,
    booking,
    now: computedAt,
  })
  // nothing fits as booked: moving bookings that have not started may make room; that keeps the
  // guest's time and zone, so it comes first
  const reseat = options.reseat && lacksReseat(planned) ? await reseatSuggestion(deps, booking, context) : null
  const suggestions = reseat ? [reseat, ...planned] : planned
  await storeSuggestions(deps.db, {
    bookingId: booking.id,
    availabilityVersion: context.restaurant.availabilityVersion,
    floorVersion: context.restaurant.floorVersion,
    suggestions,
    computedAt,
  })
  return { suggestions, computedAt }
}

function viewSuggestion(stored: StoredSuggestion, booking: Booking): ReviewSuggestion {
  const { reseat, ...rest } = stored
  return {
    ...rest,
    ...(reseat ? { reseat: reseat.map(({ reference, from, to }) => ({ reference, from, to })) } : {}),
    label: reseat
      ? reseatText(reseat)
      : stored.relaxed.length === 0
        ? 'As booked'
        : stored.relaxed.map(relaxationText).join(', '),
    fit: fitText(stored.capacity, booking.partySize),
    moves: new Date(stored.startAt).getTime() !== booking.startAt.getTime(),
  }
}

function floorTables(
  context: FloorContext,
  explanation: Explanation,
  allocations: Awaited<ReturnType<typeof busyAround>>,
  booking: Booking,
  suggestions: StoredSuggestion[],
): ReviewTable[] {
  const zoneById = new Map(context.zones.map((zone) => [zone.id, zone]))
  const zoneName = (id: string) => zoneById.get(id)?.name ?? 'another area'
  const explained = new Map(explanation.tables.map((table) => [table.tableId, table]))
  const suggested = new Set(
    suggestions.filter((s) => s.startAt === booking.startAt.toISOString()).flatMap((s) => s.tables),
  )
  const start = booking.startAt.getTime()
  const end = booking.endAt.getTime()
  return context.floor.tables.map((table) => {
    const key = context.floor.keyById.get(table.id) ?? table.id
    const overlapping = allocations.filter(
      (a) => a.tableId === table.id && a.start.getTime() < end && a.end.getTime() > start,
    )
    const reasons = explained.get(table.id)?.reasons ?? []
    const busy = reasons.find((reason) => reason.code === 'BUSY')
    const state: ReviewTable['state'] =
      table.active === false
        ? 'inactive'
        : overlapping.some((a) => a.kind === 'assignment')
          ? 'busy'
          : overlapping.length > 0
            ? 'held'
            : 'free'
    const blocking = reasons.filter((reason) => reason.code !== 'NOT_CHOSEN')
    const why = blocking.map((reason) => tableReasonText(reason, zoneName)).join('; ')
    return {
      key,
      zone: zoneById.get(table.zoneId)?.key ?? table.zoneId,
      capacity: table.capacity,
      free: state === 'free',
      state,
      busyUntil: busy && busy.code === 'BUSY' ? new Date(busy.until).toISOString() : null,
      busyUntilLabel: busy && busy.code === 'BUSY' ? busy.untilLabel : null,
      ...(why ? { why } : {}),
      suggested: state === 'free' && suggested.has(key),
    }
  })
}

function moveOptions(booking: Booking, timezone: string, now: Date) {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  return MOVE_SHIFTS_MINUTES.map((shift) => new Date(booking.startAt.getTime() + shift * 60_000))
    .filter((start) => start.getTime() > now.getTime())
    .map((start) => {
      const shift = Math.round((start.getTime() - booking.startAt.getTime()) / 60_000)
      return {
        startAt: start.toISOString(),
        label: `${format.format(start)} (${Math.abs(shift)} min ${shift > 0 ? 'later' : 'earlier'})`,
      }
    })
}

export function createReviewReader(deps: AssignmentDeps) {
  const db = deps.db
  const reseatMisses = createReseatMisses()

  /**
   * The stored suggestions of a booking in review, fresh for the restaurant's versions, with the
   * re-seating one the refresh task leaves out computed now when it could apply (and stored with
   * them, or remembered as a miss).
   */
  async function suggestionsFor(
    booking: Booking,
    context: FloorContext,
    stored: Awaited<ReturnType<typeof findStoredSuggestions>>,
  ): Promise<{ suggestions: StoredSuggestion[]; computedAt: Date }> {
    const versions = {
      availabilityVersion: context.restaurant.availabilityVersion,
      floorVersion: context.restaurant.floorVersion,
    }
    const fresh =
      stored &&
      stored.availabilityVersion === versions.availabilityVersion &&
      stored.floorVersion === versions.floorVersion
    if (!fresh) {
      const computed = await computeSuggestions(deps, booking, context, { reseat: true })
      if (lacksReseat(computed.suggestions)) reseatMisses.add(booking.id, versions)
      return computed
    }
    if (!lacksReseat(stored.suggestions) || reseatMisses.has(booking.id, versions)) {
      return { suggestions: stored.suggestions, computedAt: stored.computedAt }
    }
    const reseat = await reseatSuggestion(deps, booking, context)
    if (!reseat) {
      reseatMisses.add(booking.id, versions)
      return { suggestions: stored.suggestions, computedAt: stored.computedAt }
    }
    // the versions are the ones read before this search, as computeSuggestions stores them
    const suggestions = [reseat, ...stored.suggestions]
    await storeSuggestions(db, { bookingId: booking.id, ...versions, suggestions, computedAt: stored.computedAt })
    return { suggestions, computedAt: stored.computedAt }
  }

  return {
    /** docs/api.md GET /api/review: most urgent (earliest start) first. */
    async queue(filter: { restaurantSlug?: string } = {}): Promise<ReviewBooking[]> {
      const rows = await listReviewQueue(db, {
        states: WAITING_STATES,
        now: deps.now(),
        restaurantSlug: filter.restaurantSlug,
        limit: 500,
      })
      return presentQueue(db, rows)
    },

    count: () => countReviewQueue(db, { states: WAITING_STATES, now: deps.now() }),

    /** any booking's story for ops (/bookings/:id): transitions, attempts and events, oldest first */
    timeline: (bookingId: string) => loadBookingStory(deps, bookingId),

    async detail(bookingId: string): Promise<ReviewDetail | null> {
      const booking = await findBookingById(db, bookingId)
      if (!booking) return null
      const context = await loadFloorContext(deps, booking.restaurantId)
      if (!context) return null
      const inReview =
        WAITING_STATES.includes(booking.assignmentState) && booking.startAt.getTime() > deps.now().getTime()
      const [history, attempts, notes, audit, allocations, stored] = await Promise.all([
        listStateHistory(db, booking.id),
        listAttempts(db, booking.id),
        listNotes(db, booking.id),
        listBookingAudit(db, booking.id),
        busyAround(deps, booking),
        findStoredSuggestions(db, booking.id),
      ])
      let suggestions: StoredSuggestion[] = []
      let computedAt = deps.now()
      if (inReview) ({ suggestions, computedAt } = await suggestionsFor(booking, context, stored))
      const explanation = explainQuote({
        tables: context.floor.tables,
        adjacency: context.floor.adjacency,
        floorVersion: `${booking.restaurantId}:${context.floor.floorVersion}`,
        busy: allocations.map((a) => ({ tableId: a.tableId, start: a.start.getTime(), end: a.end.getTime() })),
        partySize: booking.partySize,
        window: { start: booking.startAt.getTime(), end: booking.endAt.getTime() },
        zoneId: booking.zoneId,
        maxTables: DEFAULT_KNOBS.maxTables,
        requireAdjacency: DEFAULT_KNOBS.requireAdjacency,
        timeZone: context.restaurant.timezone,
      })
      const zoneKeyById = new Map(context.zones.map((zone) => [zone.id, zone.key]))
      const [presented] = await presentBookings(db, [booking], {
        slugByRestaurantId: () => context.restaurant.slug,
        zoneKeyById: (id) => zoneKeyById.get(id) ?? null,
      })
      const waitingSince =
        [...history].reverse().find((row) => WAITING_STATES.includes(row.toState as Booking['assignmentState']))
          ?.occurredAt ?? null
      const timeline: TimelineEntry[] = [
        ...history.map((row) => describeTransition(row)),
        ...attempts.map((row) => describeAttempt(row)),
        ...notes.map((row) => ({
          at: row.createdAt.toISOString(),
          kind: 'note' as const,
          title: 'Note',
          detail: row.body,
          actor: row.author,
        })),
        ...audit.filter((row) => row.action !== 'review.noted').map((row) => describeAction(row)),
      ].sort((a, b) => a.at.localeCompare(b.at))
      const keyOf = (id: string) => context.floor.keyById.get(id) ?? id
      return {
        booking: toReviewBooking(presented!, booking, context.restaurant, waitingSince),
        inReview,
        suggestions: suggestions.map((s) => viewSuggestion(s, booking)),
        suggestionsComputedAt: computedAt.toISOString(),
        tables: floorTables(context, explanation, allocations, booking, suggestions),
        zones: context.zones.map((zone) => ({ key: zone.key, name: zone.name })),
        adjacency: context.floor.adjacency.map(([a, b]) => [keyOf(a), keyOf(b)] as [string, string]),
        timeline,
        moveOptions: inReview ? moveOptions(booking, context.restaurant.timezone, deps.now()) : [],
      }
    },
  }
}

export type ReviewReader = ReturnType<typeof createReviewReader>
