import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailOutbox } from '../../server/db/schema/outbox.ts'
import { createMailTransport, type MailMessage, type MailTransport } from '../../server/notify/mail-transport.ts'
import {
  claimDueEmails,
  enqueueNotification,
  listNotifications,
  markSentMany,
} from '../../server/notify/outbox-queries.ts'
import { startOutboxWorker } from '../../server/notify/outbox-worker.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const floor = {
  name: 'Mail Room',
  timezone: 'Europe/Paris',
  zones: [{ key: 'main', name: 'Main' }],
  tables: Array.from({ length: 6 }, (_, i) => ({ key: `T${i + 1}`, zone: 'main', capacity: 2 })),
  adjacency: [],
}

/** A transport that keeps what it was handed, so the test sees exactly what went out. */
function keepingTransport(): MailTransport & { sent: MailMessage[] } {
  const recorded = createMailTransport()
  const sent: MailMessage[] = []
  return {
    ...recorded,
    sent,
    async send(message) {
      sent.push(message)
      return recorded.send(message)
    },
  }
}

describe(`the outbox and cancellations (${driver})`, () => {
  let engine: TestEngine
  let slot = 0
  beforeAll(async () => {
    // no background workers: each test drives the outbox worker itself
    engine = await createTestEngine({}, { workers: false })
    await engine.restaurants.putFloor('mail-room', floor)
  })
  afterAll(() => engine.dispose())

  const book = async () => {
    slot++
    const answer = await engine.bookings.create({
      restaurant: 'mail-room',
      startAt: new Date(Date.now() + (2 + slot) * 86_400_000).toISOString(),
      partySize: 2,
      guest: { name: `Guest ${slot}`, email: `guest${slot}@example.com` },
    })
    expect(answer.autoAssign.outcome).toBe('confirmed')
    return answer.booking
  }
  const outboxOf = async (bookingId: string) =>
    (await engine.db.select().from(emailOutbox).where(eq(emailOutbox.bookingId, bookingId)))
      .map((row) => ({ kind: row.kind, status: row.status }))
      .sort((a, b) => a.kind.localeCompare(b.kind))
  const worker = (transport: MailTransport) =>
    startOutboxWorker({ db: engine.db, transport, events: engine.events, autoStart: false, log: () => {} })

  it('skips the confirmation of a booking cancelled before it went out, and tells nobody', async () => {
    const booking = await book()
    await engine.bookings.cancel(booking.id)
    const transport = keepingTransport()
    const drained = await worker(transport).drainOnce()
    expect(drained).toMatchObject({ sent: 0, skipped: 1 })
    expect(transport.sent).toHaveLength(0)
    expect(await outboxOf(booking.id)).toEqual([{ kind: 'confirmation', status: 'skipped' }])
  })

  it('queues a cancellation when the confirmation had gone out', async () => {
    const booking = await book()
    const transport = keepingTransport()
    await worker(transport).drainOnce()
    await engine.bookings.cancel(booking.id)
    await engine.bookings.cancel(booking.id) // a second cancel queues nothing more
    await worker(transport).drainOnce()
    expect(transport.sent.map((message) => message.subject.split(':')[0])).toEqual([
      'Booking confirmed',
      'Booking cancelled',
    ])
    expect(transport.sent[1]!.to).toBe(booking.guest.email)
    expect(await outboxOf(booking.id)).toEqual([
      { kind: 'cancellation', status: 'sent' },
      { kind: 'confirmation', status: 'sent' },
    ])
  })

  it('a confirmation in flight during the cancel is followed by a cancellation', async () => {
    const booking = await book()
    // a worker has claimed the confirmation and is handing it to the mail server
    const clock = new Date(Date.now() + 60_000)
    const [claimed] = await claimDueEmails(engine.db, { limit: 10, now: clock, leaseMs: 60_000 })
    expect(claimed).toMatchObject({ bookingId: booking.id, kind: 'confirmation' })
    await engine.bookings.cancel(booking.id)
    await markSentMany(engine.db, [{ id: claimed!.id, transportId: 'in-flight' }], clock)
    const transport = keepingTransport()
    await worker(transport).drainOnce()
    expect(transport.sent.map((message) => message.subject.split(':')[0])).toEqual(['Booking cancelled'])
  })

  it('records exactly one booking.cancelled for 100 concurrent cancels', async () => {
    const booking = await book()
    const answers = await Promise.all(Array.from({ length: 100 }, () => engine.bookings.cancel(booking.id)))
    expect(answers.every((answer) => answer.status === 'cancelled')).toBe(true)
    await engine.events.flush()
    const { rows } = await engine.database.executeSql(
      `select count(*)::int as n from observability_events where event_type = 'booking.cancelled' and booking_id = $1`,
      [booking.id],
    )
    expect(rows[0]!.n).toBe(1)
  })
})

describe(`mail that is not about a booking (${driver})`, () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(() => engine.dispose())

  it('queues an alert once per dedupe key, even from concurrent callers, and delivers it', async () => {
    const alert = {
      kind: 'alert',
      recipient: 'oncall@example.com',
      subject: 'inline_timeout_pct above 85 %',
      body: 'firing since 08:00',
      dedupeKey: 'inline_timeout_pct:2026-12-01T08:00Z',
    }
    const results = await Promise.all(Array.from({ length: 10 }, () => enqueueNotification(engine.db, alert)))
    expect(results.filter(Boolean)).toHaveLength(1)
    // without a key every call is queued
    expect(await enqueueNotification(engine.db, { ...alert, dedupeKey: undefined, subject: 'digest' })).toBe(true)
    expect(await enqueueNotification(engine.db, { ...alert, dedupeKey: undefined, subject: 'digest' })).toBe(true)
    expect(await listNotifications(engine.db, 'alert')).toHaveLength(3)

    const transport = keepingTransport()
    const outbox = startOutboxWorker({ db: engine.db, transport, events: engine.events, autoStart: false })
    expect(await outbox.drainOnce()).toMatchObject({ sent: 3 })
    expect(transport.sent.map((message) => message.to)).toEqual(Array(3).fill('oncall@example.com'))
    expect(transport.sent[0]!.headers).not.toHaveProperty('X-Maitre-Booking-Id')
    const rows = await listNotifications(engine.db, 'alert')
    expect(rows.every((row) => row.status === 'sent' && row.bookingId === null)).toBe(true)
  })

  it('refuses an empty recipient with an actionable code', async () => {
    await expect(
      enqueueNotification(engine.db, { kind: 'alert', recipient: ' ', subject: 's', body: 'b' }),
    ).rejects.toMatchObject({ code: 'EMAIL_RECIPIENT_REQUIRED' })
  })
})
