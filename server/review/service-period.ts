import type { ServicePeriod } from '../db/schema/restaurants.ts'
import { localClock } from '../bookings/block-window.ts'
import { localDate } from '../sim/local-time.ts'

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/**
 * The service a booking belongs to, as a host names it: the local date and the service period its
 * start falls in ("2026-12-04 · Dinner"). A restaurant open around the clock has one service a day.
 */
export function serviceOf(
  startAt: Date,
  restaurant: { timezone: string; servicePeriods: ServicePeriod[] },
): { key: string; label: string; date: string; period: string } {
  const date = localDate(startAt, restaurant.timezone)
  const clock = localClock(startAt, restaurant.timezone)
  const period =
    restaurant.servicePeriods.find(
      (p) =>
        p.days.includes(clock.weekday) && clock.minutes >= toMinutes(p.opens) && clock.minutes < toMinutes(p.closes),
    )?.name ?? 'All day'
  return { key: `${date}|${period}`, label: `${date} · ${period}`, date, period }
}
