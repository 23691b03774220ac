import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { csvResponse, toCsv } from '../utils/csv.ts'
import { parseEventFilters } from '../utils/events-filters.ts'
import { loadEvents } from '../utils/events.server.ts'

// JSON for the live tail of /events; with format=csv the listed events.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:event:any')
  const url = new URL(request.url)
  const payload = await loadEvents(context, parseEventFilters(url.searchParams))
  if (url.searchParams.get('format') === 'csv') {
    return csvResponse(
      'events.csv',
      toCsv(
        ['occurred_at', 'type', 'severity', 'source', 'restaurant', 'booking_id', 'context'],
        payload.events.map((e) => [
          e.occurredAt,
          e.type,
          e.severity,
          e.source,
          e.restaurant,
          e.bookingId,
          JSON.stringify(e.context),
        ]),
      ),
    )
  }
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
