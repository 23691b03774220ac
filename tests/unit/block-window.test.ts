import { describe, expect, it } from 'vitest'
import { blockWindow, localClock, turnMinutesFor, withinServiceHours } from '../../server/bookings/block-window.ts'

const turns = { '2': 90, '4': 105, '6': 120, '99': 150 }

describe('block window', () => {
  it('picks the smallest party-size band that fits, and the largest beyond all bands', () => {
    expect(turnMinutesFor(turns, 1)).toBe(90)
    expect(turnMinutesFor(turns, 2)).toBe(90)
    expect(turnMinutesFor(turns, 3)).toBe(105)
    expect(turnMinutesFor(turns, 6)).toBe(120)
    expect(turnMinutesFor(turns, 7)).toBe(150)
    expect(turnMinutesFor({ '4': 60, '2': 45 }, 3)).toBe(60)
    expect(turnMinutesFor({ '4': 60 }, 12)).toBe(60)
  })

  it('adds the buffer, or uses an explicit duration plus the buffer', () => {
    const start = new Date('2031-06-01T17:00:00Z')
    expect(blockWindow({ turnMinutes: turns, bufferMinutes: 15 }, start, 4).end.toISOString()).toBe(
      '2031-06-01T19:00:00.000Z',
    )
    expect(blockWindow({ turnMinutes: turns, bufferMinutes: 15 }, start, 4, 60).end.toISOString()).toBe(
      '2031-06-01T18:15:00.000Z',
    )
  })

  it('keeps the real length of a window across a DST change', () => {
    // Europe/Paris springs forward at 02:00 local on 2031-03-30 (01:00Z): 00:30 local + 3h = 04:30 local
    const start = new Date('2031-03-29T23:30:00Z')
    const window = blockWindow({ turnMinutes: { '99': 165 }, bufferMinutes: 15 }, start, 2)
    expect(window.end.getTime() - window.start.getTime()).toBe(3 * 3600_000)
    expect(localClock(window.start, 'Europe/Paris').label).toBe('00:30')
    expect(localClock(window.end, 'Europe/Paris').label).toBe('04:30')
  })

  it('checks service hours in the restaurant time zone', () => {
    const dinner = [{ name: 'dinner', days: [1, 2, 3, 4, 5, 6, 7], opens: '19:00', closes: '23:00' }]
    // 2031-06-01 is a Sunday; Paris is UTC+2 in summer
    expect(withinServiceHours(dinner, new Date('2031-06-01T17:00:00Z'), 'Europe/Paris')).toBe(true)
    expect(withinServiceHours(dinner, new Date('2031-06-01T16:59:00Z'), 'Europe/Paris')).toBe(false)
    expect(withinServiceHours(dinner, new Date('2031-06-01T21:00:00Z'), 'Europe/Paris')).toBe(false)
    // the same instant is 13:00 in New York: outside dinner there
    expect(withinServiceHours(dinner, new Date('2031-06-01T17:00:00Z'), 'America/New_York')).toBe(false)
    const weekdaysOnly = [{ name: 'lunch', days: [1, 2, 3, 4, 5], opens: '12:00', closes: '14:00' }]
    expect(withinServiceHours(weekdaysOnly, new Date('2031-06-01T10:30:00Z'), 'Europe/Paris')).toBe(false)
    expect(withinServiceHours(weekdaysOnly, new Date('2031-06-02T10:30:00Z'), 'Europe/Paris')).toBe(true)
    expect(withinServiceHours([], new Date('2031-06-01T03:00:00Z'), 'Europe/Paris')).toBe(true)
  })
})
