import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Timeline } from '../components/review/timeline.tsx'
import reviewStyles from '../styles/review.css?url'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { loadBookingStory } from '../utils/booking-timeline.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Booking ${data.booking.reference} · Maitre` : 'Booking · Maitre' },
]
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }]

// A booking's whole story for ops: guard, parse, delegate (app/utils/booking-timeline.server.ts).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return loadBookingStory(context, params.bookingId ?? '')
}

const when = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso))

export default function BookingTimeline() {
  const { booking, timeline } = useLoaderData<typeof loader>()
  return (
    <>
      <PageHeader
        title={`Booking ${booking.reference}`}
        description={`${booking.restaurantName}: everything that happened to this booking, oldest first.`}
      >
        <Link to={`/events?booking=${booking.id}`} className="button button-secondary">
          Raw events
        </Link>
        {booking.assignmentState === 'manual_review' ? (
          <Link to={`/review/${booking.id}`} className="button button-secondary">
            Open in manual review
          </Link>
        ) : null}
      </PageHeader>
      <section className="panel review-summary" aria-label="Booking" data-testid="booking-summary">
        <dl className="review-facts">
          <div>
            <dt>Restaurant</dt>
            <dd>
              {booking.restaurantName} <span className="muted">({booking.restaurant})</span>
            </dd>
          </div>
          <div>
            <dt>Party</dt>
            <dd>{booking.partySize}</dd>
          </div>
          <div>
            <dt>Time</dt>
            <dd>
              <time dateTime={booking.startAt}>{when(booking.startAt, booking.timezone)}</time>{' '}
              <span className="muted">({booking.timezone})</span>
            </dd>
          </div>
          <div>
            <dt>State</dt>
            <dd data-testid="booking-state">
              {booking.status} · {booking.assignmentState.replace(/_/g, ' ')}
            </dd>
          </div>
          <div>
            <dt>Tables</dt>
            <dd data-testid="booking-tables">{booking.tables.length > 0 ? booking.tables.join(' + ') : 'none'}</dd>
          </div>
          <div>
            <dt>Attempts</dt>
            <dd>{booking.attempts}</dd>
          </div>
          <div>
            <dt>Emails</dt>
            <dd>
              {booking.emails.length > 0
                ? booking.emails.map((email) => `${email.kind} (${email.status})`).join(', ')
                : 'none'}
            </dd>
          </div>
        </dl>
        {booking.manualReviewReason ? (
          <p className="review-reason">
            <strong>Review reason: </strong>
            <code>{booking.manualReviewReason}</code>
          </p>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="timeline-title">
        <div className="panel-header">
          <h2 id="timeline-title">Timeline</h2>
          <span className="muted">State changes, assignment attempts and events, in {booking.timezone} time</span>
        </div>
        <Timeline entries={timeline} timeZone={booking.timezone} withDate testId="booking-timeline" />
      </section>
    </>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 400)) {
    return (
      <div className="error-page" data-testid={error.status === 404 ? 'booking-not-found' : 'booking-bad-id'}>
        <div className="error-code">{error.status}</div>
        <h1>{error.status === 404 ? 'No such booking' : 'That is not a booking id'}</h1>
        <p>{typeof error.data === 'string' ? error.data : 'The request could not be completed.'}</p>
        <p>
          <Link to="/attempts">Recent jobs</Link> · <Link to="/events">Events</Link>
        </p>
      </div>
    )
  }
  return <GeneralErrorBoundary />
}
