import type { LoaderFunctionArgs } from '@remix-run/node'
import { loadAttempts } from '../utils/attempts.server.ts'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { csvResponse, toCsv } from '../utils/csv.ts'
import { parseDashboardFilters } from '../utils/dashboard-filters.ts'

// JSON for the live refresh of /attempts; with format=csv the attempts histogram, job results and retry policy v2 decisions.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const url = new URL(request.url)
  const payload = await loadAttempts(context, parseDashboardFilters(url.searchParams))
  if (url.searchParams.get('format') === 'csv') {
    return csvResponse(
      'attempts.csv',
      toCsv(
        ['kind', 'key', 'count'],
        [
          ...payload.histogram.map((h) => ['attempts', h.attempts, h.jobs] as Array<string | number>),
          ...payload.flow.jobs.map((j) => ['job_result', j.label, j.count]),
          ...payload.retryDecisions.map((d) => ['retry_decision', d.decision, d.count]),
        ],
      ),
    )
  }
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
