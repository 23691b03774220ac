import type { ServicePeriod } from '../db/schema/restaurants.ts'
import { boundedMemo } from '../memo.ts'

/**
 * The table is blocked for the turn time of the party's size band plus the buffer to reset the
 * table. Arithmetic is on instants, so a window that spans a DST change is still exactly that many
 * minutes long.
 */
export function turnMinutesFor(turnMinutes: Record<string, number>, partySize: number): number {
  const bands = Object.entries(turnMinutes)
    .map(([ceiling, minutes]) => [Number(ceiling), minutes] as const)
    .sort((a, b) => a[0] - b[0])
  const band = bands.find(([ceiling]) => partySize <= ceiling) ?? bands[bands.length - 1]
  if (!band) throw new Error('restaurant has no turn times')
  return band[1]
}

export function blockWindow(
  restaurant: { turnMinutes: Record<string, number>; bufferMinutes: number },
  startAt: Date,
  partySize: number,
  durationMinutes?: number,
): { start: Date; end: Date } {
  const minutes = (durationMinutes ?? turnMinutesFor(restaurant.turnMinutes, partySize)) + restaurant.bufferMinutes
  return { start: startAt, end: new Date(startAt.getTime() + minutes * 60_000) }
}

/** Wall-clock weekday (1 = Monday) and minutes since local midnight in a time zone. */
const clockFormatters = new Map<string, Intl.DateTimeFormat>()

export function localClock(instant: Date, timeZone: string): { weekday: number; minutes: number; label: string } {
  return rememberedClocks(`${timeZone}|${instant.getTime()}`, () => computeLocalClock(instant, timeZone))
}

const rememberedClocks = boundedMemo<{ weekday: number; minutes: number; label: string }>(4096)

function computeLocalClock(instant: Date, timeZone: string): { weekday: number; minutes: number; label: string } {
  let format = clockFormatters.get(timeZone)
  if (!format) {
    // constructing a formatter is the expensive part; intake runs this on every booking
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    clockFormatters.set(timeZone, format)
  }
  const parts = format.formatToParts(instant)
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? ''
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1
  const hour = Number(get('hour'))
  const minute = Number(get('minute'))
  return { weekday, minutes: hour * 60 + minute, label: `${get('hour')}:${get('minute')}` }
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** True when the booking starts inside a service period in the restaurant's local time. */
export function withinServiceHours(periods: ServicePeriod[], startAt: Date, timeZone: string): boolean {
  if (periods.length === 0) return true
  const local = localClock(startAt, timeZone)
  return periods.some(
    (period) =>
      period.days.includes(local.weekday) &&
      local.minutes >= toMinutes(period.opens) &&
      local.minutes < toMinutes(period.closes),
  )
}
