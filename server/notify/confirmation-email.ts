import type { Executor } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { boundedMemo } from '../memo.ts'
import { enqueueEmail } from './outbox-queries.ts'

export const CONFIRMATION_KIND = 'confirmation'
export const CANCELLATION_KIND = 'cancellation'

export interface ConfirmationEmailInput {
  reference: string
  guestName: string
  guestEmail: string
  restaurantName: string
  /** the booking's start (an instant); shown in the restaurant's local time */
  startAt: Date | string
  /** IANA time zone of the restaurant, e.g. "Europe/Paris" */
  timezone: string
  partySize: number
  tableKeys: string[]
}

export interface ComposedEmail {
  kind: string
  recipient: string
  subject: string
  /** plain text */
  body: string
}

/** Header-safe single line: no CR/LF/tabs, collapsed spaces. */
function oneLine(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
}

// Building an Intl.DateTimeFormat costs far more than using one; confirmations run on the booking path.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timezone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const cacheKey = `${timezone}|${JSON.stringify(options)}`
  const cached = formatters.get(cacheKey)
  if (cached) return cached
  try {
    const created = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, ...options })
    formatters.set(cacheKey, created)
    return created
  } catch {
    throw new AppError(
      'EMAIL_TIMEZONE_INVALID',
      `Cannot write the confirmation email: "${timezone}" is not an IANA time zone such as "Europe/Paris". Fix the restaurant's timezone.`,
    )
  }
}

/** "Friday 14 June 2030", "19:30", "CEST": assembled from parts so ICU punctuation cannot vary. */
function localParts(startAt: Date, timezone: string): { date: string; time: string; zone: string } {
  return rememberedParts(`${timezone}|${startAt.getTime()}`, () => computeLocalParts(startAt, timezone))
}

const rememberedParts = boundedMemo<{ date: string; time: string; zone: string }>(4096)

function computeLocalParts(startAt: Date, timezone: string): { date: string; time: string; zone: string } {
  const parts = formatter(timezone, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(startAt)
  const pick = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? ''
  return {
    date: `${pick('weekday')} ${pick('day')} ${pick('month')} ${pick('year')}`,
    time: `${pick('hour')}:${pick('minute')}`,
    zone: pick('timeZoneName'),
  }
}

const row = (label: string, value: string) => `  ${`${label}:`.padEnd(12)}${value}`

/** The confirmation email of a booking: plain text, times in the restaurant's time zone. */
export function buildConfirmationEmail(input: ConfirmationEmailInput): ComposedEmail & { kind: 'confirmation' } {
  const startAt = input.startAt instanceof Date ? input.startAt : new Date(input.startAt)
  if (Number.isNaN(startAt.getTime())) {
    throw new AppError(
      'EMAIL_START_INVALID',
      `Cannot write the confirmation email: startAt "${String(input.startAt)}" is not a date.`,
    )
  }
  const restaurant = oneLine(input.restaurantName)
  const guest = oneLine(input.guestName)
  const reference = oneLine(input.reference)
  const { date, time, zone } = localParts(startAt, input.timezone)
  const tables = input.tableKeys.length > 0 ? input.tableKeys.map(oneLine).join(' + ') : 'assigned on arrival'
  const guests = input.partySize === 1 ? '1 guest' : `${input.partySize} guests`

  const subject = `Booking confirmed: ${restaurant}, ${date} at ${time} (ref ${reference})`
  const body = [
    `Hello ${guest || 'there'},`,
    '',
    `Your table at ${restaurant} is confirmed.`,
    '',
    row('When', `${date}, ${time}${zone ? ` (${zone})` : ''}`),
    row('Party', guests),
    row(input.tableKeys.length > 1 ? 'Tables' : 'Table', tables),
    row('Reference', reference),
    '',
    'Please keep the reference if you need to change or cancel the booking.',
    '',
    'See you soon,',
    restaurant,
    '',
  ].join('\n')

  return { kind: CONFIRMATION_KIND, recipient: oneLine(input.guestEmail), subject, body }
}

export type CancellationEmailInput = Omit<ConfirmationEmailInput, 'tableKeys'>

/** The email telling a guest who was sent a confirmation that the booking is cancelled. */
export function buildCancellationEmail(input: CancellationEmailInput): ComposedEmail & { kind: 'cancellation' } {
  const startAt = input.startAt instanceof Date ? input.startAt : new Date(input.startAt)
  if (Number.isNaN(startAt.getTime())) {
    throw new AppError(
      'EMAIL_START_INVALID',
      `Cannot write the cancellation email: startAt "${String(input.startAt)}" is not a date.`,
    )
  }
  const restaurant = oneLine(input.restaurantName)
  const guest = oneLine(input.guestName)
  const reference = oneLine(input.reference)
  const { date, time, zone } = localParts(startAt, input.timezone)
  const guests = input.partySize === 1 ? '1 guest' : `${input.partySize} guests`
  const subject = `Booking cancelled: ${restaurant}, ${date} at ${time} (ref ${reference})`
  const body = [
    `Hello ${guest || 'there'},`,
    '',
    `Your booking at ${restaurant} is cancelled; the confirmation we sent no longer holds.`,
    '',
    row('When', `${date}, ${time}${zone ? ` (${zone})` : ''}`),
    row('Party', guests),
    row('Reference', reference),
    '',
    restaurant,
    '',
  ].join('\n')
  return { kind: CANCELLATION_KIND, recipient: oneLine(input.guestEmail), subject, body }
}

/**
 * Queues the booking's confirmation email; pass the transaction that confirms the booking.
 * Returns false when the booking already has one (whoever confirmed first queued it).
 */
export async function enqueueConfirmationEmail(
  executor: Executor,
  input: ConfirmationEmailInput & { bookingId: string },
): Promise<boolean> {
  return enqueueEmail(executor, { bookingId: input.bookingId, ...buildConfirmationEmail(input) })
}
