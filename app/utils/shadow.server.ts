import type { AppLoadContext } from '@remix-run/node'
import type { ShadowReport } from '../../server/assignment/shadow/shadow-report.ts'
import { resolveRange } from './dashboard-filters.ts'
import type { ShadowPageFilters } from './shadow-filters.ts'

type Page = Awaited<ReturnType<ShadowReport['page']>>
type Timeline = Awaited<ReturnType<ShadowReport['timeline']>>

/** What /shadow and /resources/shadow answer: plain JSON. */
export interface ShadowPayload extends Page {
  filters: ShadowPageFilters
  restaurants: Array<{ slug: string; name: string }>
  unknownRestaurant: string | null
  range: { from: number; to: number; bucketSeconds: number }
  timeline: Timeline | null
  generatedAt: number
}

export async function loadShadow(context: AppLoadContext, filters: ShadowPageFilters): Promise<ShadowPayload> {
  const engine = context.engine
  const restaurants = await engine.restaurants.list()
  const known = !filters.restaurant || restaurants.some((r) => r.slug === filters.restaurant)
  const range = resolveRange(filters, new Date())
  const page = await engine.v3.report.page({
    from: range.from,
    to: range.to,
    restaurant: known ? filters.restaurant || null : null,
    match: filters.match === 'all' ? null : filters.match === 'true',
    kind: filters.kind || null,
    limit: 25,
    bucketSeconds: range.bucketSeconds,
  })
  const timeline = filters.booking ? await engine.v3.report.timeline(filters.booking).catch(() => null) : null
  return {
    ...page,
    filters,
    restaurants: restaurants.map((r) => ({ slug: r.slug, name: r.name })),
    unknownRestaurant: known ? null : filters.restaurant,
    range: { from: range.from.getTime(), to: range.to.getTime(), bucketSeconds: range.bucketSeconds },
    timeline,
    generatedAt: Date.now(),
  }
}
