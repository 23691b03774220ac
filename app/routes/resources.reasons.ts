import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { csvResponse, toCsv } from '../utils/csv.ts'
import { parseDashboardFilters } from '../utils/dashboard-filters.ts'
import { loadReasons } from '../utils/reasons.server.ts'

// JSON for the live refresh of /reasons; with format=csv the share of each reason per bucket.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const url = new URL(request.url)
  const payload = await loadReasons(context, parseDashboardFilters(url.searchParams))
  if (url.searchParams.get('format') === 'csv') {
    const names = payload.reasons.map((r) => r.reason)
    return csvResponse(
      'reasons.csv',
      toCsv(
        ['bucket_start', 'failures', ...names.map((n) => `${n}_pct`)],
        payload.shares.map((b) => [new Date(b.t).toISOString(), b.total, ...names.map((n) => b[n] ?? null)]),
      ),
    )
  }
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
