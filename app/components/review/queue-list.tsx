import { Link } from '@remix-run/react'
import type { QueueGroup } from '../../utils/review.server.ts'
import { waitingText } from './waiting-time.ts'

/**
 * The queue as cards, most urgent first within each restaurant and service: a host on a phone
 * reads one card per booking, and the whole card is the link to act on it.
 */
export function QueueList({ groups, now }: { groups: QueueGroup[]; now: number }) {
  return (
    <div className="review-queue" data-testid="review-queue">
      {groups.map((group) => (
        <section key={group.restaurant.slug} className="review-restaurant" aria-label={group.restaurant.name}>
          <h2 className="section-title">{group.restaurant.name}</h2>
          {group.services.map((service) => (
            <div key={service.key} className="review-service">
              <h3 className="review-service-title">
                {service.label} <span className="muted">· {service.bookings.length} waiting</span>
              </h3>
              <ul className="review-cards">
                {service.bookings.map((booking) => (
                  <li key={booking.id} data-testid="review-item" data-booking-id={booking.id}>
                    <Link to={`/review/${booking.id}`} className="review-card">
                      <span className="review-card-time">
                        <strong>{booking.local.time}</strong>
                        <span className="muted">{booking.local.date}</span>
                      </span>
                      <span className="review-card-main">
                        <span className="review-card-title">
                          {booking.guest.name} · party of {booking.partySize}
                          {booking.zone ? <span className="muted"> · {booking.zone}</span> : null}
                        </span>
                        <span className="review-card-reason">{booking.reviewReasonText}</span>
                      </span>
                      <span className="review-card-wait">
                        <span className="muted">waiting</span> {waitingText(booking.waitingSince, now)}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  )
}
