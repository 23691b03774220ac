import type { LoaderFunctionArgs } from '@remix-run/node'
import { loadAlerts } from '../utils/alerts.server.ts'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { csvResponse, toCsv } from '../utils/csv.ts'

// JSON for the live refresh of /alerts; with format=csv the transitions of the last week.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const url = new URL(request.url)
  const payload = await loadAlerts(context)
  if (url.searchParams.get('format') === 'csv') {
    return csvResponse(
      'alert-history.csv',
      toCsv(
        ['at', 'key', 'from', 'to', 'value', 'threshold'],
        payload.history.map((h) => [h.at, h.key, h.from, h.to, h.value, h.threshold]),
      ),
    )
  }
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
