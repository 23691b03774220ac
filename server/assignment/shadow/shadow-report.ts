import { z } from 'zod'
import type { DatabaseHandle } from '../../db/client.ts'
import { loadBookingTimeline } from '../../db/queries/booking-timeline.ts'
import { findBookingById } from '../../db/queries/bookings.ts'
import { findRestaurantBySlug, listTables } from '../../db/queries/restaurants.ts'
import { AppError, notFound } from '../../errors.ts'
import { MISMATCH_KINDS, mismatchKindSchema, type MismatchKind } from '../vocabulary.ts'
import { shadowComparisonList, shadowMatchSeries, shadowSummary } from './shadow-queries.ts'

const isoDate = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)) && /[zZ]|[+-]\d\d:?\d\d$/.test(v), 'an ISO-8601 date with an offset')
const slug = z
  .string()
  .max(100)
  .regex(/^[a-z0-9-]+$/, 'a restaurant slug')

/** GET /api/shadow (docs/api.md) */
export const shadowApiQuerySchema = z
  .object({
    restaurant: slug.optional(),
    since: isoDate.optional(),
    match: z.enum(['true', 'false']).optional(),
    kind: mismatchKindSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict()

export interface ShadowSummary {
  total: number
  matched: number
  /** 0..1; null when there is nothing to compare */
  matchRate: number | null
  byKind: Record<MismatchKind, number>
}

export interface ShadowFilters {
  from: Date
  to: Date
  restaurant: string | null
  match: boolean | null
  kind: MismatchKind | null
  limit: number
  bucketSeconds: number
}

/**
 * What /api/shadow and the /shadow page show: the summary (match rate, mismatches by kind), match
 * rate over time and by restaurant, the newest comparisons with both plans, each restaurant's
 * tables (to draw both plans on the floor), and a booking's timeline. Reads only.
 */
export function createShadowReport(database: DatabaseHandle, now: () => Date = () => new Date()) {
  const db = database.db

  async function restaurantIdOf(restaurant: string | null): Promise<string | null> {
    if (!restaurant) return null
    const found = await findRestaurantBySlug(db, restaurant)
    if (!found) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${restaurant}"`, 404)
    return found.id
  }

  async function summaryOf(from: Date, to: Date, restaurantId: string | null): Promise<ShadowSummary> {
    const rows = await shadowSummary.run(database, { from, to, restaurantId })
    const byKind = Object.fromEntries(MISMATCH_KINDS.map((kind) => [kind, 0])) as Record<MismatchKind, number>
    let matched = 0
    for (const row of rows) {
      if (row.kind === 'match') matched = row.n
      else byKind[row.kind] = row.n
    }
    const total = matched + Object.values(byKind).reduce((a, b) => a + b, 0)
    return { total, matched, matchRate: total > 0 ? matched / total : null, byKind }
  }

  const presentComparison = (row: Awaited<ReturnType<typeof shadowComparisonList.run>>[number]) => ({
    bookingId: row.booking_id,
    restaurant: row.restaurant,
    reference: row.reference,
    partySize: row.party_size,
    startAt: row.start_at.toISOString(),
    match: row.match,
    mismatchKind: row.mismatch_kind,
    legacy: {
      outcome: String(row.legacy_outcome.outcome ?? 'unknown'),
      tables: row.legacy_plan?.tableKeys ?? [],
      zoneId: row.legacy_plan?.zoneId ?? null,
      durationMs: row.legacy_duration_ms,
    },
    v3: {
      outcome: String(row.v3_outcome.outcome ?? 'unknown'),
      tables: row.v3_plan?.tableKeys ?? [],
      zoneId: row.v3_plan?.zoneId ?? null,
      durationMs: row.v3_duration_ms,
      reason: (row.v3_outcome.reason as string | null | undefined) ?? null,
    },
    at: row.created_at.toISOString(),
  })

  return {
    /** GET /api/shadow: bad input is a 400 with issues, an unknown restaurant a 404 */
    async api(query: unknown) {
      const parsed = shadowApiQuerySchema.safeParse(query)
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', 'The shadow query is not valid; see issues', 400, parsed.error.issues)
      const q = parsed.data
      const to = now()
      const since = q.since ? new Date(q.since) : new Date(to.getTime() - 86_400_000)
      const restaurantId = await restaurantIdOf(q.restaurant ?? null)
      const [summary, rows] = await Promise.all([
        summaryOf(since, new Date(Math.max(to.getTime(), since.getTime() + 1)), restaurantId),
        shadowComparisonList.run(database, {
          since,
          restaurantId,
          match: q.match === undefined ? null : q.match === 'true',
          limit: q.limit,
          kind: q.kind ?? null,
        }),
      ])
      return { summary, comparisons: rows.map(presentComparison) }
    },

    /** Everything the /shadow page shows for its filters. */
    async page(filters: ShadowFilters) {
      const restaurantId = await restaurantIdOf(filters.restaurant)
      const [summary, series, rows] = await Promise.all([
        summaryOf(filters.from, filters.to, restaurantId),
        shadowMatchSeries.run(database, {
          from: filters.from,
          to: filters.to,
          restaurantId,
          bucketSeconds: filters.bucketSeconds,
        }),
        shadowComparisonList.run(database, {
          since: filters.from,
          restaurantId,
          match: filters.match,
          limit: filters.limit,
          kind: filters.kind,
        }),
      ])
      const overTime = new Map<string, { at: string; total: number; matched: number }>()
      const byRestaurant = new Map<string, { restaurant: string; total: number; matched: number }>()
      for (const row of series) {
        const at = row.bucket_start.toISOString()
        const bucket = overTime.get(at) ?? { at, total: 0, matched: 0 }
        bucket.total += row.total
        bucket.matched += row.matched
        overTime.set(at, bucket)
        const place = byRestaurant.get(row.restaurant) ?? { restaurant: row.restaurant, total: 0, matched: 0 }
        place.total += row.total
        place.matched += row.matched
        byRestaurant.set(row.restaurant, place)
      }
      const comparisons = rows.filter((row) => row.created_at < filters.to).map(presentComparison)
      const floors: Record<string, Array<{ key: string; zoneId: string; capacity: number }>> = {}
      for (const name of new Set(comparisons.filter((c) => !c.match).map((c) => c.restaurant))) {
        const restaurant = await findRestaurantBySlug(db, name)
        if (restaurant)
          floors[name] = (await listTables(db, restaurant.id))
            .filter((table) => table.active)
            .map((table) => ({ key: table.key, zoneId: table.zoneId, capacity: table.capacity }))
      }
      return {
        summary,
        overTime: [...overTime.values()].map((b) => ({ ...b, matchRate: b.total > 0 ? b.matched / b.total : null })),
        byRestaurant: [...byRestaurant.values()].map((r) => ({
          ...r,
          matchRate: r.total > 0 ? r.matched / r.total : null,
        })),
        comparisons,
        floors,
      }
    },

    /** A booking's timeline (state transitions, attempts, events) for the drill-down. */
    async timeline(bookingId: string) {
      if (!z.string().uuid().safeParse(bookingId).success) throw notFound(`Booking ${bookingId}`)
      const booking = await findBookingById(db, bookingId)
      if (!booking) throw notFound(`Booking ${bookingId}`)
      const timeline = await loadBookingTimeline(db, bookingId)
      return {
        booking: {
          id: booking.id,
          reference: booking.reference,
          status: booking.status,
          assignmentState: booking.assignmentState,
          version: booking.assignmentStateVersion,
          partySize: booking.partySize,
          startAt: booking.startAt.toISOString(),
        },
        transitions: timeline.transitions.map((t) => ({
          at: t.occurredAt.toISOString(),
          from: t.fromState,
          to: t.toState,
          version: t.version,
          actor: t.actor,
          pipeline: t.pipeline,
          reason: t.reason,
        })),
        attempts: timeline.attempts.map((a) => ({
          at: a.startedAt.toISOString(),
          number: a.attemptNumber,
          pipeline: a.pipeline,
          trigger: a.trigger,
          outcome: a.outcome,
          reason: a.reasonCode,
          durationMs: a.durationMs,
          tables: a.plan?.tableKeys ?? [],
        })),
        events: timeline.events.map((e) => ({
          at: e.occurredAt.toISOString(),
          type: e.eventType,
          source: e.source,
          severity: e.severity,
          context: e.context,
        })),
      }
    },
  }
}

export type ShadowReport = ReturnType<typeof createShadowReport>
