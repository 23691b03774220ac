/** Offset (ms) of a time zone at an instant: local wall clock minus UTC. */
// Constructing Intl formatters is costly; the simulator converts times for every booking.
const offsetFormatters = new Map<string, Intl.DateTimeFormat>()
const dateFormatters = new Map<string, Intl.DateTimeFormat>()

function cached(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat) {
  let format = cache.get(timeZone)
  if (!format) {
    format = make()
    cache.set(timeZone, format)
  }
  return format
}

function offsetAt(instant: number, timeZone: string): number {
  const format = cached(
    offsetFormatters,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  )
  const parts = format.formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(instant / 1000) * 1000
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local date and time. A time
 * skipped by a DST change resolves to the instant one offset later (as clocks do).
 */
export function zonedTimeToUtc(ymd: string, hhmm: string, timeZone: string): Date {
  const [year, month, day] = ymd.split('-').map(Number) as [number, number, number]
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number]
  const naive = Date.UTC(year, month - 1, day, hour, minute)
  let guess = naive - offsetAt(naive, timeZone)
  guess = naive - offsetAt(guess, timeZone)
  return new Date(guess)
}

/** Local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return cached(
    dateFormatters,
    timeZone,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).format(instant)
}
