import crypto from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../server/db/client.ts'
import { bookings } from '../../server/db/schema/bookings.ts'
import { emailOutbox } from '../../server/db/schema/outbox.ts'
import { restaurants } from '../../server/db/schema/restaurants.ts'
import type { EngineEvent } from '../../server/observability/event-recorder.ts'
import { buildConfirmationEmail, enqueueConfirmationEmail } from '../../server/notify/confirmation-email.ts'
import { createMailTransport, parseSmtpUrl, type MailTransport } from '../../server/notify/mail-transport.ts'
import { claimDueEmails, listEmailsForBooking } from '../../server/notify/outbox-queries.ts'
import { startOutboxWorker, type OutboxWorkerOptions } from '../../server/notify/outbox-worker.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

// ---------------------------------------------------------------- a real SMTP server on loopback

interface ReceivedMail {
  mailFrom: string
  rcptTo: string[]
  headers: Map<string, string>
  subject: string
  messageId: string
  text: string
}

interface Behaviour {
  /** return an error to refuse RCPT TO number n (1-based, counted over the server's life) */
  rcpt?: (n: number, address: string) => Error | undefined
  /** return an error to refuse the DATA of delivery number n */
  data?: (n: number) => Error | undefined
  /** ms to wait before accepting DATA */
  delayMs?: () => number
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode })
}

/** RFC 2047 encoded words, as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, _charset: string, encoding: string, text: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8')
      return decodeQuotedPrintable(text.replace(/_/g, ' '))
    })
}

function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = []
  const text = value.replace(/=\r?\n/g, '')
  for (let index = 0; index < text.length; index++) {
    const hex = text.slice(index + 1, index + 3)
    if (text[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      index += 2
    } else {
      bytes.push(...Buffer.from(text[index]!, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function parseMessage(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'messageId' | 'text'> {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const headers = new Map<string, string>()
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const body = raw.slice(split + 4)
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body
  return {
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    text: text.replace(/\r\n/g, '\n'),
  }
}

async function startSmtpServer(behaviour: Behaviour = {}) {
  const received: ReceivedMail[] = []
  const counts = { rcpt: 0, data: 0 }
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    closeTimeout: 1_000,
    onRcptTo(address, _session, callback) {
      callback(behaviour.rcpt?.(++counts.rcpt, address.address) ?? null)
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const refusal = behaviour.data?.(++counts.data)
        if (refusal) return callback(refusal)
        const accept = () => {
          received.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            ...parseMessage(Buffer.concat(chunks).toString('utf8')),
          })
          callback(null, 'queued')
        }
        const delay = behaviour.delayMs?.() ?? 0
        if (delay > 0) setTimeout(accept, delay)
        else accept()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

// ---------------------------------------------------------------- database fixtures

let engine: TestEngine
let restaurantId: string
const RESTAURANT = { name: 'Café Lumière', timezone: 'Europe/Paris' }
let clock = Date.now() + 60_000
const now = () => new Date(clock)
const cleanups: Array<() => Promise<void>> = []

beforeAll(async () => {
  // no background workers: these tests drive the outbox worker themselves
  engine = await createTestEngine({}, { workers: false })
  const [restaurant] = await engine.db
    .insert(restaurants)
    .values({ slug: 'cafe-lumiere', ...RESTAURANT, turnMinutes: { '99': 120 } })
    .returning({ id: restaurants.id })
  restaurantId = restaurant!.id
})

afterEach(async () => {
  // workers first, then transports, then servers: an open pooled connection delays server.close
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await engine.db.delete(emailOutbox)
  clock = Date.now() + 60_000
})

afterAll(async () => {
  await engine?.dispose()
})

/** A booking confirmed with its confirmation queued in the same transaction, as the pipeline does. */
async function confirmedBooking(overrides: { guestEmail?: string } = {}) {
  const startAt = new Date('2030-06-14T17:30:00Z')
  const booking = await engine.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(bookings)
      .values({
        reference: `MTR-${crypto.randomBytes(4).toString('hex').toUpperCase()}`,
        restaurantId,
        partySize: 2,
        startAt,
        endAt: new Date(startAt.getTime() + 120 * 60_000),
        guestName: 'Grace Hopper',
        guestEmail: overrides.guestEmail ?? `grace.${crypto.randomBytes(3).toString('hex')}@example.test`,
        status: 'confirmed',
        confirmedAt: new Date(),
      })
      .returning()
    await enqueueConfirmationEmail(tx, confirmationInput(row!))
    return row!
  })
  return booking
}

function confirmationInput(booking: typeof bookings.$inferSelect) {
  return {
    bookingId: booking.id,
    reference: booking.reference,
    guestName: booking.guestName,
    guestEmail: booking.guestEmail,
    restaurantName: RESTAURANT.name,
    startAt: booking.startAt,
    timezone: RESTAURANT.timezone,
    partySize: booking.partySize,
    tableKeys: ['W4'],
  }
}

function smtpTransport(url: string): MailTransport {
  const transport = createMailTransport(url, { timeouts: { connectionMs: 2_000, greetingMs: 2_000, socketMs: 5_000 } })
  cleanups.push(() => transport.close())
  return transport
}

async function smtpServer(behaviour?: Behaviour) {
  const server = await startSmtpServer(behaviour)
  cleanups.unshift(() => server.close()) // closed last
  return server
}

function worker(transport: MailTransport, options: Partial<OutboxWorkerOptions> = {}) {
  const recorded: EngineEvent[] = []
  const started = startOutboxWorker({
    db: engine.db,
    transport,
    events: { record: (event) => void recorded.push(event) },
    autoStart: false,
    now,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    random: () => 0, // delays are exactly ceiling/2: 500, 1000, 2000 … ms
    log: () => {},
    ...options,
  })
  cleanups.push(() => started.stop())
  return Object.assign(started, { recorded })
}

async function rowOf(bookingId: string) {
  const [row] = await listEmailsForBooking(engine.db, bookingId)
  return row!
}

// ---------------------------------------------------------------- tests

describe('SMTP delivery through nodemailer to a real server on loopback', () => {
  it('delivers exactly one message per booking, to the guest, with the confirmation subject', async () => {
    const server = await smtpServer()
    const booked = [await confirmedBooking(), await confirmedBooking(), await confirmedBooking()]
    // the job confirms again later: no second email is queued
    for (const booking of booked)
      expect(await enqueueConfirmationEmail(engine.db, confirmationInput(booking))).toBe(false)

    const mailer = worker(
      smtpTransport(`${server.url}?from=${encodeURIComponent('Café Lumière <bookings@cafe.test>')}`),
    )
    expect(await mailer.drainOnce()).toEqual({ sent: 3, failed: 0, retried: 0 })
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 0 })

    expect(server.received).toHaveLength(3)
    for (const booking of booked) {
      const row = await rowOf(booking.id)
      const mails = server.received.filter((mail) => mail.rcptTo.includes(booking.guestEmail))
      expect(mails).toHaveLength(1)
      const mail = mails[0]!
      const expected = buildConfirmationEmail(confirmationInput(booking))
      expect(mail.rcptTo).toEqual([booking.guestEmail])
      expect(mail.mailFrom).toBe('bookings@cafe.test')
      expect(mail.headers.get('to')).toBe(booking.guestEmail)
      expect(mail.subject).toBe(expected.subject)
      expect(mail.subject).toBe(
        `Booking confirmed: Café Lumière, Friday 14 June 2030 at 19:30 (ref ${booking.reference})`,
      )
      expect(mail.text).toContain(booking.reference)
      expect(mail.text).toContain('Friday 14 June 2030, 19:30 (CEST)')
      expect(mail.messageId).toBe(`<${row.id}@outbox.maitre>`)
      expect(mail.headers.get('x-maitre-booking-id')).toBe(booking.id)
      expect(row).toMatchObject({ status: 'sent', attempts: 1, transportId: mail.messageId, lastError: null })
    }
    expect(mailer.recorded.map((event) => event.type)).toEqual(['email.sent', 'email.sent', 'email.sent'])
    expect(mailer.recorded[0]).toMatchObject({
      source: 'outbox',
      restaurantId,
      context: { kind: 'confirmation', transport: 'smtp' },
    })
  })

  it('retries a deferred DATA (451) with growing backoff and delivers once', async () => {
    const server = await smtpServer({
      data: (n) => (n <= 2 ? smtpError(451, 'Greylisted, try again later') : undefined),
    })
    const booking = await confirmedBooking()
    const mailer = worker(smtpTransport(server.url))

    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 1 })
    const first = await rowOf(booking.id)
    expect(first.lastError).toMatch(/^MAIL_DEFERRED: .*451.*Greylisted/)
    expect(first.nextAttemptAt.getTime() - clock).toBe(500)
    // not due yet: nothing is sent
    clock += 499
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 0 })
    clock += 1
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 1 })
    const second = await rowOf(booking.id)
    expect(second.nextAttemptAt.getTime() - clock).toBe(1_000) // the ceiling doubled
    clock += 1_000
    expect(await mailer.drainOnce()).toEqual({ sent: 1, failed: 0, retried: 0 })

    expect(server.counts.data).toBe(3)
    expect(server.received).toHaveLength(1)
    expect(server.received[0]!.rcptTo).toEqual([booking.guestEmail])
    expect(await rowOf(booking.id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null })
    expect(mailer.recorded.map((event) => event.type)).toEqual([
      'email.retry_scheduled',
      'email.retry_scheduled',
      'email.sent',
    ])
  })

  it('retries a deferred recipient (451 at RCPT TO) and delivers once', async () => {
    const server = await smtpServer({ rcpt: (n) => (n === 1 ? smtpError(451, 'Mailbox busy') : undefined) })
    const booking = await confirmedBooking()
    const mailer = worker(smtpTransport(server.url))
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 1 })
    expect((await rowOf(booking.id)).lastError).toMatch(/MAIL_DEFERRED.*RCPT TO.*451/)
    clock += 500
    expect(await mailer.drainOnce()).toEqual({ sent: 1, failed: 0, retried: 0 })
    expect(server.received.map((mail) => mail.rcptTo)).toEqual([[booking.guestEmail]])
  })

  it('fails at once, without retrying, when the server refuses the recipient for good (550)', async () => {
    const server = await smtpServer({
      rcpt: (_n, address) => (address.startsWith('nobody@') ? smtpError(550, 'No such user here') : undefined),
    })
    const refused = await confirmedBooking({ guestEmail: 'nobody@example.test' })
    const fine = await confirmedBooking()
    const mailer = worker(smtpTransport(server.url))
    expect(await mailer.drainOnce()).toEqual({ sent: 1, failed: 1, retried: 0 })
    clock += 86_400_000
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 0 })
    const row = await rowOf(refused.id)
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sentAt: null })
    expect(row.lastError).toMatch(/^MAIL_REJECTED: .*550.*No such user here.*not retried/)
    expect(server.received.map((mail) => mail.rcptTo)).toEqual([[fine.guestEmail]])
    const failed = mailer.recorded.find((event) => event.type === 'email.failed')
    expect(failed).toMatchObject({
      bookingId: refused.id,
      severity: 'error',
      context: { permanent: true, code: 'MAIL_REJECTED' },
    })
  })

  it('marks the email failed with last_error once maxAttempts are used up', async () => {
    const server = await smtpServer({ data: () => smtpError(452, 'Insufficient system storage') })
    const booking = await confirmedBooking()
    const mailer = worker(smtpTransport(server.url), { maxAttempts: 3 })
    const results = []
    for (let attempt = 0; attempt < 5; attempt++) {
      results.push(await mailer.drainOnce())
      clock += 10_000
    }
    expect(results).toEqual([
      { sent: 0, failed: 0, retried: 1 },
      { sent: 0, failed: 0, retried: 1 },
      { sent: 0, failed: 1, retried: 0 },
      { sent: 0, failed: 0, retried: 0 },
      { sent: 0, failed: 0, retried: 0 },
    ])
    const row = await rowOf(booking.id)
    expect(row).toMatchObject({ status: 'failed', attempts: 3, sentAt: null })
    expect(row.lastError).toMatch(/452.*Insufficient system storage/)
    expect(server.counts.data).toBe(3)
    expect(server.received).toHaveLength(0)
    expect(mailer.recorded.at(-1)).toMatchObject({ type: 'email.failed', context: { attempts: 3, permanent: false } })
  })

  it('retries when the SMTP server cannot be reached, with an actionable error', async () => {
    const gone = await startSmtpServer()
    await gone.close() // nothing listens on this port any more
    const booking = await confirmedBooking()
    const mailer = worker(smtpTransport(gone.url))
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 1 })
    expect((await rowOf(booking.id)).lastError).toMatch(/^MAIL_CONNECTION_FAILED: .*Check SMTP_URL/)
  })

  it('two workers draining at once send every email exactly once', async () => {
    const server = await smtpServer({ delayMs: () => Math.floor(Math.random() * 4) })
    const booked = []
    for (let index = 0; index < 24; index++) booked.push(await confirmedBooking())

    // on Postgres the second worker gets its own connection pool, like a second process
    let second: DatabaseHandle | undefined
    if (engine.database.databaseUrl) {
      second = await openDatabase({ databaseUrl: engine.database.databaseUrl, poolSize: 4 })
      cleanups.push(() => second!.close())
    }
    const workerA = worker(smtpTransport(server.url), { batchSize: 4, concurrency: 2 })
    const workerB = worker(smtpTransport(server.url), { batchSize: 4, concurrency: 2, db: second?.db ?? engine.db })
    const [a, b] = await Promise.all([workerA.drainOnce(), workerB.drainOnce()])

    expect(a.sent + b.sent).toBe(24)
    // both took part (each claims 4 at a time, so neither can have drained all 24 alone first)
    expect(a.sent).toBeGreaterThan(0)
    expect(b.sent).toBeGreaterThan(0)
    expect(a.failed + b.failed + a.retried + b.retried).toBe(0)
    expect(server.received).toHaveLength(24)
    expect(new Set(server.received.map((mail) => mail.messageId)).size).toBe(24)
    for (const booking of booked) {
      expect(server.received.filter((mail) => mail.rcptTo[0] === booking.guestEmail)).toHaveLength(1)
      expect(await rowOf(booking.id)).toMatchObject({ status: 'sent', attempts: 1 })
    }
    expect([...workerA.recorded, ...workerB.recorded].filter((event) => event.type === 'email.duplicate_send')).toEqual(
      [],
    )
  })

  it('polls on its own and delivers shortly after wake()', async () => {
    const server = await smtpServer()
    const mailer = worker(smtpTransport(server.url), { autoStart: true, pollIntervalMs: 60_000, now: () => new Date() })
    await new Promise((resolve) => setTimeout(resolve, 20)) // the first (empty) poll has run
    const booking = await confirmedBooking()
    mailer.wake()
    await vi.waitFor(() => expect(server.received).toHaveLength(1), { timeout: 5_000, interval: 10 })
    expect(server.received[0]!.rcptTo).toEqual([booking.guestEmail])
    await mailer.stop()
    expect((await rowOf(booking.id)).status).toBe('sent')
  })

  it('residual risk: a worker that crashes after the server accepted but before markSent causes one resend with the same Message-ID', async () => {
    const server = await smtpServer()
    const booking = await confirmedBooking()
    const transport = smtpTransport(server.url)
    // the "crashed" worker: claims, sends, dies before recording the delivery
    const [claimed] = await claimDueEmails(engine.db, { limit: 1, now: now(), leaseMs: 30_000 })
    await transport.send({
      to: claimed!.recipient,
      subject: claimed!.subject,
      text: claimed!.body,
      messageId: `<${claimed!.id}@outbox.maitre>`,
    })
    // a healthy worker leaves it alone during the lease, then delivers it again
    const mailer = worker(transport)
    expect(await mailer.drainOnce()).toEqual({ sent: 0, failed: 0, retried: 0 })
    clock += 30_000
    expect(await mailer.drainOnce()).toEqual({ sent: 1, failed: 0, retried: 0 })
    expect(server.received).toHaveLength(2)
    expect(new Set(server.received.map((mail) => mail.messageId))).toEqual(new Set([`<${claimed!.id}@outbox.maitre>`]))
    expect(await rowOf(booking.id)).toMatchObject({ status: 'sent', attempts: 2 })
  })
})

describe('SMTP_URL parsing', () => {
  it('reads host, port, TLS mode, credentials and options; refuses what it does not know', () => {
    expect(parseSmtpUrl('smtps://mailer%40shop:p%2Fss@mail.example.test')).toMatchObject({
      connection: { host: 'mail.example.test', port: 465, secure: true, auth: { user: 'mailer@shop', pass: 'p/ss' } },
    })
    expect(parseSmtpUrl('smtp://127.0.0.1:2525?pool=false&requireTLS=true&from=a%40b.test')).toMatchObject({
      connection: { host: '127.0.0.1', port: 2525, secure: false, requireTLS: true },
      pool: false,
      from: 'a@b.test',
    })
    expect(parseSmtpUrl('smtp://mail.example.test').connection.port).toBe(587)
    expect(() => parseSmtpUrl('http://mail.example.test')).toThrow(
      expect.objectContaining({ code: 'SMTP_URL_INVALID' }),
    )
    expect(() => parseSmtpUrl('smtp://mail.example.test?secret=1')).toThrow(/unknown query parameter "secret"/)
    expect(() => parseSmtpUrl('smtp://mail.example.test?pool=maybe')).toThrow(/pool= must be true or false/)
  })
})
