import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { startSmtpSink } from '../helpers/smtp-sink.ts'
import { smallFloor } from '../helpers/floors.ts'
import { waitFor } from '../helpers/wait.ts'

describe('confirmation emails end to end over SMTP', () => {
  let engine: TestEngine
  let sink: Awaited<ReturnType<typeof startSmtpSink>>
  beforeAll(async () => {
    sink = await startSmtpSink()
    // retries spaced by seconds: the queued bookings are still waiting when a table frees up
    engine = await createTestEngine(
      { SMTP_URL: sink.url },
      { retryTimings: { transientBaseMs: 2_000, maxAttempts: 3 } },
    )
    await engine.restaurants.putFloor('mail', smallFloor())
  })
  afterAll(async () => {
    await engine.dispose()
    await sink.close()
  })

  it('delivers exactly one confirmation per confirmed booking, whether inline or the job seated it', async () => {
    const slot = new Date(Date.now() + 86_400_000).toISOString()
    const guest = (i: number) => ({ name: `Guest ${i}`, email: `guest${i}@example.com` })
    const created: Awaited<ReturnType<typeof engine.bookings.create>>[] = []
    for (let i = 0; i < 8; i++) {
      created.push(
        await engine.bookings.create({
          restaurant: 'mail',
          startAt: slot,
          partySize: 2,
          zone: 'main',
          guest: guest(i),
        }),
      )
    }
    // the main zone seats at most five parties of two at once; cancelling one lets a queued booking in
    expect(created.filter((c) => c.autoAssign.outcome === 'confirmed').length).toBe(5)
    // the five confirmations go out before the cancellation, so that guest is told of it too
    await waitFor(async () => (sink.received.length >= 5 ? true : undefined), 20_000, 'five deliveries')
    await engine.bookings.cancel(created[0]!.booking.id)
    await waitFor(async () => {
      const bookings = await Promise.all(created.map((c) => engine.bookings.get(c.booking.id)))
      const settled = bookings.every((b) => b.status !== 'pending_allocation' || b.assignmentState === 'manual_review')
      return settled ? bookings : undefined
    }, 30_000)
    const confirmed = (await Promise.all(created.map((c) => engine.bookings.get(c.booking.id)))).filter((b) =>
      b.emails.some((e) => e.kind === 'confirmation'),
    )
    expect(confirmed.length).toBe(6) // five inline, one seated by the job after the cancellation
    await waitFor(async () => (sink.received.length >= 7 ? true : undefined), 20_000, 'seven deliveries')
    await new Promise((resolve) => setTimeout(resolve, 1500)) // anything extra would arrive now
    expect(sink.received).toHaveLength(7) // six confirmations and one cancellation
    const cancelledId = created[0]!.booking.id
    for (const booking of confirmed) {
      const messages = sink.received.filter((m) => m.raw.includes(booking.reference))
      expect(messages).toHaveLength(booking.id === cancelledId ? 2 : 1)
      expect(messages[0]!.rcptTo).toEqual([booking.guest.email])
      const final = await engine.bookings.get(booking.id)
      const sent = { status: 'sent', sentAt: expect.any(String) }
      expect(final.emails).toEqual(
        booking.id === cancelledId
          ? [
              { kind: 'confirmation', ...sent },
              { kind: 'cancellation', ...sent },
            ]
          : [{ kind: 'confirmation', ...sent }],
      )
    }
  })
})
