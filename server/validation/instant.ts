import { z } from 'zod'

/**
 * An instant in ISO-8601 with a real UTC offset, for every date parameter of the API (startAt,
 * from, to, since…). zod's datetime() accepts any two digits as an offset ("+24:00", "+99:99"),
 * which JavaScript turns into an Invalid Date and Postgres into a 500; real offsets run from
 * -12:00 to +14:00, and we accept the symmetric -14:00..+14:00 with minutes below 60. The calendar
 * date must exist (no February 30th).
 */
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/
const MAX_OFFSET_MINUTES = 14 * 60

export function instantProblem(value: string): string | null {
  const match = SHAPE.exec(value)
  if (!match) return 'use ISO-8601 with an offset, e.g. 2031-06-01T19:00:00+02:00 or 2031-06-01T17:00:00Z'
  const [, year, month, day, hour, minute, second, zone, , offsetHours, offsetMinutes] = match
  if (zone !== 'Z') {
    const minutes = Number(offsetHours) * 60 + Number(offsetMinutes)
    if (Number(offsetMinutes) >= 60 || minutes > MAX_OFFSET_MINUTES) {
      return `the UTC offset ${zone} is out of range; offsets run from -14:00 to +14:00`
    }
  }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return 'the time of day is not valid'
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) {
    return `${year}-${month}-${day} is not a calendar date`
  }
  if (Number.isNaN(Date.parse(value))) return 'not a valid date and time'
  return null
}

/** zod schema for an instant parameter named `name` (the name goes into the message). */
export function instantSchema(name: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = instantProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: `${name}: ${problem}` })
  })
}
