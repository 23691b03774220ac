import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { csvResponse, toCsv } from '../utils/csv.ts'
import { parseDashboardFilters } from '../utils/dashboard-filters.ts'
import { loadOverview } from '../utils/overview.server.ts'
import { rampText } from '../utils/pipeline-label.ts'

// JSON for the live refresh of / (and its per-restaurant table as CSV with format=csv: with the
// pipeline each restaurant runs and the flag ramps in progress that reach it).
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const url = new URL(request.url)
  const payload = await loadOverview(context, parseDashboardFilters(url.searchParams))
  if (url.searchParams.get('format') === 'csv') {
    return csvResponse(
      'overview.csv',
      toCsv(
        [
          'restaurant',
          'bookings',
          'confirmation_rate_pct',
          'seated_inline',
          'seated_by_job',
          'moved_to_review',
          'review_backlog',
          'pipeline',
          'v3_percent',
          'shadow',
          'ramps_in_progress',
        ],
        payload.perRestaurant.map((r) => [
          r.slug,
          r.bookings,
          r.confirmationRate,
          r.seatedInline,
          r.seatedByJob,
          r.movedToReview,
          r.reviewBacklog,
          r.pipeline.pipeline,
          r.pipeline.v3Percent,
          r.pipeline.shadow,
          // the restaurant's own ramps and the global ones, which reach every restaurant
          payload.ramps
            .filter((ramp) => ramp.restaurant === null || ramp.restaurant === r.slug)
            .map(rampText)
            .join('; '),
        ]),
      ),
    )
  }
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
