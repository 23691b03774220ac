import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { csvResponse, toCsv } from '../utils/csv.ts'
import { parsePercentilesFilters } from '../utils/percentiles-filters.ts'
import { loadPercentiles } from '../utils/percentiles.server.ts'

// JSON for the live refresh of /percentiles (and CSV with format=csv): same permission, same
// filter parsing as the page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const url = new URL(request.url)
  const filters = parsePercentilesFilters(url.searchParams)
  const payload = await loadPercentiles(context, filters)
  if (url.searchParams.get('format') === 'csv') {
    const inline = new Map(payload.inline.buckets.map((b) => [b.t, b]))
    return csvResponse(
      'percentiles.csv',
      toCsv(
        [
          'bucket_start',
          'planner_calls',
          'planner_p50_ms',
          'planner_p90_ms',
          'planner_p95_ms',
          'planner_p99_ms',
          'inline_runs',
          'inline_p50_ms',
          'inline_p95_ms',
          'inline_p99_ms',
          'inline_timeout_pct',
        ],
        payload.planner.buckets.map((b) => {
          const i = inline.get(b.t)
          return [
            new Date(b.t).toISOString(),
            b.count,
            b.p50,
            b.p90,
            b.p95,
            b.p99,
            i?.runs,
            i?.p50,
            i?.p95,
            i?.p99,
            i?.inlineTimeoutPct,
          ]
        }),
      ),
    )
  }
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
