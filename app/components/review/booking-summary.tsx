import type { ReviewBooking } from '../../../server/review/review-types.ts'
import { waitingText } from './waiting-time.ts'

const STATUS_TEXT: Record<string, string> = {
  pending_allocation: 'Waiting for a table',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
}

export function BookingSummary({ booking, inReview, now }: { booking: ReviewBooking; inReview: boolean; now: number }) {
  return (
    <section className="panel review-summary" aria-label="Booking" data-testid="review-booking">
      <dl className="review-facts">
        <div>
          <dt>When</dt>
          <dd>
            <strong>{booking.local.time}</strong> {booking.local.date}
          </dd>
        </div>
        <div>
          <dt>Party</dt>
          <dd>{booking.partySize}</dd>
        </div>
        <div>
          <dt>Guest</dt>
          <dd>
            {booking.guest.name}
            <span className="muted"> · {booking.guest.email}</span>
            {booking.guest.phone ? <span className="muted"> · {booking.guest.phone}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Area asked for</dt>
          <dd>{booking.zone ?? 'any'}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd data-testid="review-status">
            {booking.assignmentState === 'manual_review'
              ? 'In manual review'
              : booking.assignmentState === 'failed'
                ? 'Failed'
                : (STATUS_TEXT[booking.status] ?? booking.status)}
            {booking.tables.length > 0 ? ` at ${booking.tables.join(' + ')}` : ''}
          </dd>
        </div>
        {inReview ? (
          <div>
            <dt>Waiting</dt>
            <dd>{waitingText(booking.waitingSince, now)}</dd>
          </div>
        ) : null}
      </dl>
      <p className="review-reason" data-testid="review-reason">
        <strong>Why it needs you: </strong>
        {booking.reviewReasonText}
      </p>
    </section>
  )
}
