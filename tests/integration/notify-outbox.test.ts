import crypto from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Executor } from '../../server/db/client.ts'
import { bookings } from '../../server/db/schema/bookings.ts'
import { observabilityEvents } from '../../server/db/schema/observability.ts'
import { emailOutbox } from '../../server/db/schema/outbox.ts'
import { restaurants } from '../../server/db/schema/restaurants.ts'
import { AppError } from '../../server/errors.ts'
import type { EngineEvent } from '../../server/observability/event-recorder.ts'
import { retryDelayMs } from '../../server/notify/backoff.ts'
import { buildConfirmationEmail, enqueueConfirmationEmail } from '../../server/notify/confirmation-email.ts'
import { MailSendError } from '../../server/notify/mail-errors.ts'
import { createMailTransport, type MailMessage, type MailTransport } from '../../server/notify/mail-transport.ts'
import {
  claimDueEmails,
  enqueueEmail,
  listEmailsForBooking,
  markFailedAttempt,
  markSent,
  markSentMany,
} from '../../server/notify/outbox-queries.ts'
import { startOutboxWorker } from '../../server/notify/outbox-worker.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

let engine: TestEngine
let restaurantId: string
/** a clock ahead of the database's now(), so rows queued with the default next_attempt_at are due */
let clock: number
const now = () => new Date(clock)

beforeAll(async () => {
  // no background workers: these tests drive the outbox worker themselves
  engine = await createTestEngine({}, { workers: false })
  const [restaurant] = await engine.db
    .insert(restaurants)
    .values({ slug: 'outbox-bistro', name: 'Outbox Bistro', timezone: 'Europe/Paris', turnMinutes: { '99': 120 } })
    .returning({ id: restaurants.id })
  restaurantId = restaurant!.id
})

afterAll(async () => {
  await engine?.dispose()
})

afterEach(async () => {
  await engine.db.delete(emailOutbox)
  clock = Date.now() + 60_000
})
clock = Date.now() + 60_000

async function insertBooking(db: Executor = engine.db, status: 'pending_allocation' | 'confirmed' = 'confirmed') {
  const startAt = new Date('2030-06-14T17:30:00Z')
  const [booking] = await db
    .insert(bookings)
    .values({
      reference: `MTR-${crypto.randomBytes(4).toString('hex').toUpperCase()}`,
      restaurantId,
      partySize: 4,
      startAt,
      endAt: new Date(startAt.getTime() + 120 * 60_000),
      guestName: 'Ada Lovelace',
      guestEmail: `ada+${crypto.randomBytes(3).toString('hex')}@example.test`,
      status,
    })
    .returning()
  return booking!
}

function email(bookingId: string, kind = 'confirmation') {
  return { bookingId, kind, recipient: 'guest@example.test', subject: 'Confirmed', body: 'See you soon' }
}

function capturingEvents() {
  const recorded: EngineEvent[] = []
  return { recorded, record: (event: EngineEvent) => void recorded.push(event) }
}

describe('enqueueEmail', () => {
  it('queues one row per (booking, kind): the second call answers false', async () => {
    const booking = await insertBooking()
    expect(await enqueueEmail(engine.db, email(booking.id))).toBe(true)
    expect(await enqueueEmail(engine.db, { ...email(booking.id), subject: 'Another subject' })).toBe(false)
    expect(await enqueueEmail(engine.db, email(booking.id, 'reminder'))).toBe(true)
    const rows = await listEmailsForBooking(engine.db, booking.id)
    expect(rows.map((row) => [row.kind, row.subject, row.status, row.attempts])).toEqual([
      ['confirmation', 'Confirmed', 'pending', 0],
      ['reminder', 'Confirmed', 'pending', 0],
    ])
  })

  it('concurrent calls yield exactly one row and exactly one true', async () => {
    const booking = await insertBooking()
    const results = await Promise.all(Array.from({ length: 12 }, () => enqueueEmail(engine.db, email(booking.id))))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await listEmailsForBooking(engine.db, booking.id)).toHaveLength(1)
  })

  it('two confirming transactions at once queue one confirmation', async () => {
    const booking = await insertBooking(engine.db, 'pending_allocation')
    const input = {
      bookingId: booking.id,
      reference: booking.reference,
      guestName: booking.guestName,
      guestEmail: booking.guestEmail,
      restaurantName: 'Outbox Bistro',
      startAt: booking.startAt,
      timezone: 'Europe/Paris',
      partySize: booking.partySize,
      tableKeys: ['T1'],
    }
    // what inline auto-assign and the job both do: confirm, and queue the email in that transaction
    const confirmAndQueue = () =>
      engine.db.transaction(async (tx) => {
        await tx
          .update(bookings)
          .set({ status: 'confirmed', confirmedAt: new Date() })
          .where(eq(bookings.id, booking.id))
        return enqueueConfirmationEmail(tx, input)
      })
    const results = await Promise.all([confirmAndQueue(), confirmAndQueue(), confirmAndQueue()])
    expect(results.filter(Boolean)).toHaveLength(1)
    const rows = await listEmailsForBooking(engine.db, booking.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.recipient).toBe(booking.guestEmail)
  })

  it('a rolled-back transaction leaves no email', async () => {
    const booking = await insertBooking()
    const rollback = new Error('confirm failed after queueing')
    await expect(
      engine.db.transaction(async (tx) => {
        expect(await enqueueEmail(tx, email(booking.id))).toBe(true)
        throw rollback
      }),
    ).rejects.toBe(rollback)
    expect(await listEmailsForBooking(engine.db, booking.id)).toHaveLength(0)
    // and the key is free again for the transaction that does commit
    expect(await enqueueEmail(engine.db, email(booking.id))).toBe(true)
  })

  it('refuses an unknown booking with an actionable code', async () => {
    const error = await enqueueEmail(engine.db, email(crypto.randomUUID())).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('EMAIL_BOOKING_NOT_FOUND')
    const empty = await enqueueEmail(engine.db, { ...email(crypto.randomUUID()), recipient: ' ' }).catch(
      (caught: unknown) => caught,
    )
    expect((empty as AppError).code).toBe('EMAIL_RECIPIENT_REQUIRED')
  })
})

describe('claiming and marking', () => {
  it('claims due rows once per lease, and again after a crashed worker’s lease ran out', async () => {
    const first = await insertBooking()
    const second = await insertBooking()
    await enqueueEmail(engine.db, email(first.id))
    await enqueueEmail(engine.db, { ...email(second.id), availableAt: new Date(clock + 3_600_000) })

    const claimed = await claimDueEmails(engine.db, { limit: 10, now: now(), leaseMs: 30_000 })
    expect(claimed.map((row) => row.bookingId)).toEqual([first.id])
    expect(claimed[0]!.attempts).toBe(1)
    expect(claimed[0]!.restaurantId).toBe(restaurantId)
    expect(claimed[0]!.nextAttemptAt.getTime()).toBe(clock + 30_000)

    // within the lease nobody else gets it
    expect(await claimDueEmails(engine.db, { limit: 10, now: new Date(clock + 29_999), leaseMs: 30_000 })).toEqual([])
    // the worker "crashed": after the lease the row is claimed again, as attempt 2
    const again = await claimDueEmails(engine.db, { limit: 10, now: new Date(clock + 30_000), leaseMs: 30_000 })
    expect(again.map((row) => [row.bookingId, row.attempts])).toEqual([[first.id, 2]])
    // the crashed worker's late report is fenced off by the attempt number
    const late = await markFailedAttempt(engine.db, {
      id: again[0]!.id,
      attempts: 1,
      error: 'late',
      now: now(),
      maxAttempts: 5,
    })
    expect(late).toEqual({ outcome: 'stale' })

    expect(await markSent(engine.db, { id: again[0]!.id, transportId: 'smtp-1', sentAt: now() })).toBe(true)
    // a second report of the same delivery is refused (the caller reports a duplicate)
    expect(await markSent(engine.db, { id: again[0]!.id, transportId: 'smtp-2', sentAt: now() })).toBe(false)
    const [row] = await listEmailsForBooking(engine.db, first.id)
    expect(row).toMatchObject({ status: 'sent', transportId: 'smtp-1', attempts: 2, lastError: null })
  })

  it('marks a batch sent in one statement and names only the rows it marked', async () => {
    const [a, b, c] = [await insertBooking(), await insertBooking(), await insertBooking()]
    for (const booking of [a, b, c]) await enqueueEmail(engine.db, email(booking.id))
    const claimed = await claimDueEmails(engine.db, { limit: 10, now: now(), leaseMs: 30_000 })
    const byBooking = new Map(claimed.map((row) => [row.bookingId, row.id]))
    // c was already sent by another worker
    expect(await markSent(engine.db, { id: byBooking.get(c.id)!, transportId: 'other', sentAt: now() })).toBe(true)
    const marked = await markSentMany(
      engine.db,
      [a, b, c].map((booking) => ({ id: byBooking.get(booking.id)!, transportId: `batch-${booking.id}` })),
      now(),
    )
    expect([...marked].sort()).toEqual([byBooking.get(a.id)!, byBooking.get(b.id)!].sort())
    expect((await listEmailsForBooking(engine.db, b.id))[0]).toMatchObject({
      status: 'sent',
      transportId: `batch-${b.id}`,
    })
    expect((await listEmailsForBooking(engine.db, c.id))[0]).toMatchObject({ status: 'sent', transportId: 'other' })
    expect(await markSentMany(engine.db, [], now())).toEqual(new Set())
  })

  it('claims at most `limit` rows, oldest due first', async () => {
    const ids: string[] = []
    for (let index = 0; index < 5; index++) {
      const booking = await insertBooking()
      ids.push(booking.id)
      await enqueueEmail(engine.db, { ...email(booking.id), availableAt: new Date(clock - 10_000 + index) })
    }
    const claimed = await claimDueEmails(engine.db, { limit: 3, now: now(), leaseMs: 1_000 })
    expect(claimed.map((row) => row.bookingId)).toEqual(ids.slice(0, 3))
    const rest = await claimDueEmails(engine.db, { limit: 3, now: now(), leaseMs: 1_000 })
    expect(rest.map((row) => row.bookingId)).toEqual(ids.slice(3))
    await expect(claimDueEmails(engine.db, { limit: 0, now: now(), leaseMs: 1 })).rejects.toMatchObject({
      code: 'OUTBOX_CLAIM_INVALID',
    })
  })

  it('backs off exponentially with jitter, then fails with last_error after maxAttempts', async () => {
    const booking = await insertBooking()
    await enqueueEmail(engine.db, email(booking.id))
    const backoff = { baseMs: 1_000, maxMs: 60_000 }
    const delays: number[] = []
    for (let attempt = 1; attempt <= 4; attempt++) {
      const [claimed] = await claimDueEmails(engine.db, { limit: 1, now: now(), leaseMs: 10_000 })
      expect(claimed?.attempts).toBe(attempt)
      const result = await markFailedAttempt(engine.db, {
        id: claimed!.id,
        attempts: claimed!.attempts,
        error: `451 try later (${attempt})`,
        now: now(),
        maxAttempts: 4,
        backoff,
      })
      if (attempt < 4) {
        expect(result.outcome).toBe('retry')
        const delay = (result as { nextAttemptAt: Date }).nextAttemptAt.getTime() - clock
        const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1))
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
        expect(delay).toBeLessThanOrEqual(ceiling)
        delays.push(delay)
        // not due before the backoff ran out
        expect(
          await claimDueEmails(engine.db, { limit: 1, now: new Date(clock + delay - 1), leaseMs: 10_000 }),
        ).toEqual([])
        clock += delay
      } else {
        expect(result).toEqual({ outcome: 'failed' })
      }
    }
    expect(delays[2]!).toBeGreaterThan(delays[0]!)
    const [row] = await listEmailsForBooking(engine.db, booking.id)
    expect(row).toMatchObject({ status: 'failed', attempts: 4, lastError: '451 try later (4)', sentAt: null })
    // failed rows are never claimed again
    expect(await claimDueEmails(engine.db, { limit: 5, now: new Date(clock + 86_400_000), leaseMs: 1 })).toEqual([])
  })

  it('retryDelayMs doubles its ceiling, caps it, and spreads within [ceiling/2, ceiling]', () => {
    expect(retryDelayMs(1, { baseMs: 1_000, maxMs: 10_000 }, () => 0)).toBe(500)
    expect(retryDelayMs(1, { baseMs: 1_000, maxMs: 10_000 }, () => 0.999999)).toBe(1_000)
    expect(retryDelayMs(3, { baseMs: 1_000, maxMs: 10_000 }, () => 0)).toBe(2_000)
    expect(retryDelayMs(20, { baseMs: 1_000, maxMs: 10_000 }, () => 1)).toBe(10_000)
  })
})

describe('buildConfirmationEmail', () => {
  const base = {
    reference: 'MTR-42',
    guestName: 'Ada Lovelace',
    guestEmail: ' ada@example.test ',
    restaurantName: 'Chez Nous',
    partySize: 4,
    tableKeys: ['T1', 'T2'],
  }

  it('shows the local time in the restaurant’s time zone', () => {
    const paris = buildConfirmationEmail({ ...base, startAt: '2030-06-14T17:30:00Z', timezone: 'Europe/Paris' })
    expect(paris.kind).toBe('confirmation')
    expect(paris.recipient).toBe('ada@example.test')
    expect(paris.subject).toBe('Booking confirmed: Chez Nous, Friday 14 June 2030 at 19:30 (ref MTR-42)')
    expect(paris.body).toContain('Hello Ada Lovelace,')
    expect(paris.body).toMatch(/When: +Friday 14 June 2030, 19:30 \(CEST\)/)
    expect(paris.body).toMatch(/Party: +4 guests/)
    expect(paris.body).toMatch(/Tables: +T1 \+ T2/)
    expect(paris.body).toMatch(/Reference: +MTR-42/)

    // winter time, and a date that is already "tomorrow" locally
    const tokyo = buildConfirmationEmail({
      ...base,
      startAt: new Date('2030-01-10T16:00:00Z'),
      timezone: 'Asia/Tokyo',
      tableKeys: ['B7'],
    })
    expect(tokyo.subject).toContain('Friday 11 January 2030 at 01:00')
    expect(tokyo.body).toMatch(/Table: +B7/)
    const newYork = buildConfirmationEmail({ ...base, startAt: '2030-03-10T07:30:00Z', timezone: 'America/New_York' })
    expect(newYork.subject).toContain('Sunday 10 March 2030 at 03:30') // just after the DST jump
  })

  it('keeps header lines single-line and reports a bad time zone with a code', () => {
    const hostile = buildConfirmationEmail({
      ...base,
      restaurantName: 'Chez\r\nBcc: victim@example.test',
      startAt: '2030-06-14T17:30:00Z',
      timezone: 'UTC',
    })
    expect(hostile.subject).not.toMatch(/[\r\n]/)
    expect(() =>
      buildConfirmationEmail({ ...base, startAt: '2030-06-14T17:30:00Z', timezone: 'Mars/Olympus' }),
    ).toThrow(expect.objectContaining({ code: 'EMAIL_TIMEZONE_INVALID' }))
    expect(() => buildConfirmationEmail({ ...base, startAt: 'not a date', timezone: 'UTC' })).toThrow(
      expect.objectContaining({ code: 'EMAIL_START_INVALID' }),
    )
  })
})

describe('outbox worker', () => {
  it('with the recorded transport marks rows sent without touching the network, and records email.sent', async () => {
    const netConnect = vi.spyOn(net, 'connect')
    const netCreateConnection = vi.spyOn(net, 'createConnection')
    const tlsConnect = vi.spyOn(tls, 'connect')
    const transport = createMailTransport(undefined)
    expect(transport.kind).toBe('recorded')
    const booked = [await insertBooking(), await insertBooking(), await insertBooking()]
    for (const booking of booked) await enqueueEmail(engine.db, email(booking.id))

    const worker = startOutboxWorker({ db: engine.db, transport, events: engine.events, autoStart: false, now })
    try {
      expect(await worker.drainOnce()).toEqual({ sent: 3, failed: 0, retried: 0 })
      expect(await worker.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 0 })
    } finally {
      await worker.stop()
      await transport.close()
    }
    if (engine.database.driver === 'pglite') {
      // on Postgres the pool may open sockets for the queries themselves
      expect(netConnect).not.toHaveBeenCalled()
      expect(netCreateConnection).not.toHaveBeenCalled()
    }
    expect(tlsConnect).not.toHaveBeenCalled()
    vi.restoreAllMocks()

    for (const booking of booked) {
      const [row] = await listEmailsForBooking(engine.db, booking.id)
      expect(row!.status).toBe('sent')
      expect(row!.transportId).toMatch(/^recorded:[0-9a-f-]{36}$/)
      expect(row!.sentAt?.getTime()).toBe(clock)
    }
    await engine.events.flush()
    const events = await engine.db
      .select()
      .from(observabilityEvents)
      .where(and(eq(observabilityEvents.eventType, 'email.sent'), eq(observabilityEvents.restaurantId, restaurantId)))
    expect(events.map((event) => event.bookingId).sort()).toEqual(booked.map((booking) => booking.id).sort())
    expect(events[0]!.context).toMatchObject({ kind: 'confirmation', attempts: 1, transport: 'recorded' })
  })

  it('retries transient failures with backoff, fails permanent ones at once, and never throws', async () => {
    const flaky = await insertBooking()
    const refused = await insertBooking()
    const weird = await insertBooking()
    await enqueueEmail(engine.db, { ...email(flaky.id), recipient: 'flaky@example.test' })
    await enqueueEmail(engine.db, { ...email(refused.id), recipient: 'nobody@example.test' })
    await enqueueEmail(engine.db, { ...email(weird.id), recipient: 'weird@example.test' })
    let flakyFailures = 2
    const sentTo: string[] = []
    const transport: MailTransport = {
      kind: 'smtp',
      async send(message: MailMessage) {
        if (message.to === 'flaky@example.test' && flakyFailures-- > 0) {
          throw new MailSendError('MAIL_DEFERRED', '451 busy', false, 451)
        }
        if (message.to === 'nobody@example.test')
          throw new MailSendError('MAIL_REJECTED', '550 no such user', true, 550)
        if (message.to === 'weird@example.test') throw 'not even an Error'
        sentTo.push(message.to)
        return { transportId: `id-${message.to}` }
      },
      async close() {},
    }
    const events = capturingEvents()
    const worker = startOutboxWorker({
      db: engine.db,
      transport,
      events,
      autoStart: false,
      now,
      maxAttempts: 2,
      backoff: { baseMs: 1_000, maxMs: 1_000 },
      random: () => 0,
      log: () => {},
    })
    expect(await worker.drainOnce()).toEqual({ sent: 0, failed: 1, retried: 2 })
    expect(await worker.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 0 }) // backoff not over
    clock += 500
    // second (last) attempt: flaky fails again -> failed; weird fails again -> failed
    expect(await worker.drainOnce()).toEqual({ sent: 0, failed: 2, retried: 0 })
    await worker.stop()

    const rows = Object.fromEntries(
      await Promise.all(
        [flaky, refused, weird].map(async (booking) => [
          booking.id,
          (await listEmailsForBooking(engine.db, booking.id))[0]!,
        ]),
      ),
    )
    expect(rows[refused.id]).toMatchObject({ status: 'failed', attempts: 1 })
    expect(rows[refused.id].lastError).toMatch(/^MAIL_REJECTED: 550 no such user/)
    expect(rows[flaky.id]).toMatchObject({ status: 'failed', attempts: 2 })
    expect(rows[weird.id]).toMatchObject({ status: 'failed', attempts: 2 })
    expect(rows[weird.id].lastError).toMatch(/^MAIL_SEND_FAILED: .*not even an Error/)
    expect(sentTo).toEqual([])
    const types = events.recorded.map((event) => event.type)
    expect(types.filter((type) => type === 'email.retry_scheduled')).toHaveLength(2)
    expect(types.filter((type) => type === 'email.failed')).toHaveLength(3)
    const failedEvent = events.recorded.find((event) => event.type === 'email.failed' && event.bookingId === refused.id)
    expect(failedEvent).toMatchObject({
      severity: 'error',
      restaurantId,
      context: { kind: 'confirmation', attempts: 1, permanent: true },
    })
  })

  it('polls by itself, wakes on demand, and stop() waits for the batch in flight', async () => {
    const booking = await insertBooking()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let sends = 0
    const transport: MailTransport = {
      kind: 'recorded',
      async send() {
        sends++
        await gate
        return { transportId: 'slow-1' }
      },
      async close() {},
    }
    const worker = startOutboxWorker({ db: engine.db, transport, events: capturingEvents(), pollIntervalMs: 10, now })
    await enqueueEmail(engine.db, email(booking.id))
    worker.wake()
    await vi.waitFor(() => expect(sends).toBe(1), { timeout: 5_000, interval: 5 })
    let stopped = false
    const stopping = worker.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(stopped).toBe(false) // still waiting for the send in flight
    release()
    await stopping
    const [row] = await listEmailsForBooking(engine.db, booking.id)
    expect(row).toMatchObject({ status: 'sent', transportId: 'slow-1' })
    expect(sends).toBe(1)
  })

  it('keeps polling after a database error in a poll', async () => {
    const booking = await insertBooking()
    await enqueueEmail(engine.db, email(booking.id))
    let failNextPolls = 2
    const logs: string[] = []
    const worker = startOutboxWorker({
      db: engine.db,
      transport: createMailTransport(),
      events: capturingEvents(),
      pollIntervalMs: 5,
      log: (message) => logs.push(message),
      now: () => {
        // the claim is the first caller of now() in a poll: make it fail like a dropped connection
        if (failNextPolls-- > 0) throw new Error('connection terminated unexpectedly')
        return now()
      },
    })
    try {
      await vi.waitFor(
        async () => expect((await listEmailsForBooking(engine.db, booking.id))[0]!.status).toBe('sent'),
        { timeout: 5_000, interval: 10 },
      )
    } finally {
      await worker.stop()
    }
    expect(logs.filter((line) => line.includes('connection terminated'))).toHaveLength(2)
  })
})
