import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { CsvDownload } from '../components/csv-download.tsx'
import { DataTable } from '../components/data-table.tsx'
import { EmptyState } from '../components/empty-state.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { eventSearch, parseEventFilters } from '../utils/events-filters.ts'
import { loadEvents, type EventsPayload } from '../utils/events.server.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Events · Maitre' }]

const REFRESH_MS = 3_000

// docs/api.md, "Events" event types, for the type picker (any other type can be typed in the URL)
const COMMON_TYPES = [
  'booking.created',
  'booking.confirmed',
  'booking.cancelled',
  'auto_assign.quote',
  'auto_assign.summary',
  'auto_assign.failed',
  'auto_assign.retry_decision',
  'inline_auto_assign.finished',
  'inline_auto_assign.timeout',
  'coordinator.finished',
  'booking.assignment_state_transition',
  'shadow.compared',
  'review.seated',
  'flag.rule_changed',
  'alert.firing',
  'alert.resolved',
  'email.sent',
  'email.failed',
]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:event:any')
  return loadEvents(context, parseEventFilters(new URL(request.url).searchParams))
}

export default function Events() {
  const initial = useLoaderData<typeof loader>() as EventsPayload
  const search = eventSearch(initial.filters)
  const live = useLiveData<EventsPayload>(`/resources/events?${search}`, initial, REFRESH_MS)
  const data = live.data
  const f = data.filters
  return (
    <>
      <PageHeader title="Events" description="Raw engine telemetry, newest first. The list tails live.">
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>
      <Form method="get" className="filters" aria-label="Filters">
        <div className="filter">
          <label htmlFor="filter-type">Type</label>
          <input id="filter-type" name="type" list="event-types" defaultValue={f.type} size={30} />
          <datalist id="event-types">
            {COMMON_TYPES.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </div>
        <div className="filter">
          <label htmlFor="filter-restaurant">Restaurant</label>
          <select id="filter-restaurant" name="restaurant" defaultValue={f.restaurant}>
            <option value="">All restaurants</option>
            {data.restaurants.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="filter-booking">Booking id</label>
          <input id="filter-booking" name="booking" defaultValue={f.booking} size={36} />
        </div>
        <div className="filter">
          <label htmlFor="filter-since">Since (ISO time)</label>
          <input id="filter-since" name="since" defaultValue={f.since} size={24} placeholder="2026-12-01T08:00:00Z" />
        </div>
        <button type="submit" className="button button-secondary">
          Apply
        </button>
        <CsvDownload href={`/resources/events?${search}&format=csv`} />
      </Form>
      {data.unknownRestaurant ? (
        <div className="alert alert-warning" role="status">
          No restaurant has the slug <code>{data.unknownRestaurant}</code>.
        </div>
      ) : null}
      {data.events.length === 0 ? (
        <EmptyState title="No events match these filters" testId="events-empty">
          <p className="muted">
            <Link to="/events">Clear the filters</Link>, or wait: new events appear here by themselves.
          </p>
        </EmptyState>
      ) : (
        <section className="panel" aria-label="Events">
          <DataTable
            testId="events-table"
            rows={data.events}
            rowKey={(e, i) => `${e.occurredAt}-${e.type}-${i}`}
            columns={[
              { key: 'at', label: 'When', render: (e) => new Date(e.occurredAt).toLocaleString() },
              {
                key: 'type',
                label: 'Type',
                render: (e) => <Link to={`?${eventSearch({ ...f, type: e.type })}`}>{e.type}</Link>,
              },
              { key: 'sev', label: 'Severity', render: (e) => e.severity },
              { key: 'r', label: 'Restaurant', render: (e) => e.restaurant ?? '—' },
              {
                key: 'b',
                label: 'Booking',
                render: (e) =>
                  e.bookingId ? (
                    <>
                      <Link to={`?${eventSearch({ ...f, booking: e.bookingId, type: '' })}`}>
                        {e.bookingId.slice(0, 8)}
                      </Link>{' '}
                      <Link className="muted" to={`/bookings/${e.bookingId}`}>
                        timeline
                      </Link>
                    </>
                  ) : (
                    '—'
                  ),
              },
              {
                key: 'ctx',
                label: 'Context',
                render: (e) => <pre className="event-context">{JSON.stringify(e.context, null, 1)}</pre>,
              },
            ]}
          />
        </section>
      )}
    </>
  )
}
