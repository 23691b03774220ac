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
    engine = await createTestEngine({ SMTP_URL: sink.url })
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
    await waitFor(async () => (sink.received.length >= 6 ? true : undefined), 20_000, 'six deliveries')
    await new Promise((resolve) => setTimeout(resolve, 1500)) // anything extra would arrive now
    expect(sink.received).toHaveLength(6)
    for (const booking of confirmed) {
      const messages = sink.received.filter((m) => m.raw.includes(booking.reference))
      expect(messages).toHaveLength(1)
      expect(messages[0]!.rcptTo).toEqual([booking.guest.email])
      const final = await engine.bookings.get(booking.id)
      expect(final.emails).toEqual([{ kind: 'confirmation', status: 'sent', sentAt: expect.any(String) }])
    }
  })
})
