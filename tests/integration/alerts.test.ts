import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAlertService } from '../../server/alerts/alert-service.ts'
import { createAlertNotifier, type SendAlertEmail } from '../../server/alerts/notifier.ts'
import type { MetricQuery, MetricReader, MetricReading } from '../../server/analytics/metric-reader.ts'
import { alertRules, alertTransitions } from '../../server/db/schema/alerts.ts'
import { auditLog } from '../../server/db/schema/auth.ts'
import { observabilityEvents } from '../../server/db/schema/observability.ts'
import { emailOutbox } from '../../server/db/schema/outbox.ts'
import { insertEvents, type TestEvent } from '../helpers/analytics-events.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const T0 = Date.parse('2030-03-01T12:00:00.000Z')
const minutes = (n: number) => new Date(T0 + n * 60_000)

/** A metric reader with one scripted metric: the value depends on the (fake) time asked about. */
function scriptedReader(metric: string, script: (to: Date) => MetricReading): MetricReader {
  return {
    async read(name: string, query: MetricQuery) {
      return name === metric ? script(query.to) : { value: null, sampleSize: 0 }
    },
  }
}

/** A webhook receiver on 127.0.0.1 that fails the first `failures` posts with 500. */
async function startWebhook(failures: number, delayMs = 0) {
  const bodies: string[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      bodies.push(body)
      setTimeout(() => {
        res.statusCode = bodies.length <= failures ? 500 : 200
        res.end('ok')
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe('alerts', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({ ALERT_EMAIL_TO: 'oncall@example.test' }, { workers: false })
  }, 60_000)
  afterAll(() => engine?.dispose())

  const resetRule = (key: string) =>
    engine.db.update(alertRules).set({ state: 'ok', since: null, silencedUntil: null }).where(eq(alertRules.key, key))

  it('seeds the rollout plans alerts', async () => {
    const keys = (await engine.alerts.list()).map((a) => a.key).sort()
    expect(keys).toEqual([
      'auto_assign_failed_spike',
      'circuit_breaker_open',
      'coordinator_high_error_rate',
      'coordinator_latency_high',
      'flag_ramp_rolled_back',
      'inline_timeout_spike',
      'manual_review_queue_spike',
      'planner_cache_hits_missing',
    ])
  })

  it('goes ok -> pending -> firing -> resolved on a fake clock, storing and eventing each step', async () => {
    // manual_review_queue_spike: > 20 % for 5 minutes with at least 20 bookings
    const value = (to: Date) => (to < minutes(10) ? 12 : to < minutes(30) ? 35 : 4)
    const posted: string[] = []
    const service = createAlertService({
      db: engine.db,
      reader: scriptedReader('manual_review_share', (to) => ({ value: value(to), sampleSize: 40 })),
      isCountMetric: () => false,
      events: engine.events,
      notifier: {
        notify: (n) => posted.push(`${n.key}:${n.to}`),
        drain: async () => {},
        stats: () => ({ posted: 0, failed: 0, emailed: 0, queued: 0 }),
      },
    })
    const stateAt = async (minute: number) => {
      await service.evaluate(minutes(minute))
      return (await service.list()).find((a) => a.key === 'manual_review_queue_spike')!
    }
    expect((await stateAt(0)).state).toBe('ok')
    expect((await stateAt(10)).state).toBe('pending')
    expect((await stateAt(13)).state).toBe('pending') // 3 of the 5 minutes
    const firing = await stateAt(15)
    expect(firing).toMatchObject({ state: 'firing', value: 35, threshold: 20, since: minutes(15).toISOString() })
    expect((await stateAt(20)).state).toBe('firing')
    expect((await stateAt(30)).state).toBe('ok')

    const history = await service.history({ key: 'manual_review_queue_spike' })
    expect(history.map((h) => `${h.from}->${h.to}@${h.at}`).reverse()).toEqual([
      `ok->pending@${minutes(10).toISOString()}`,
      `pending->firing@${minutes(15).toISOString()}`,
      `firing->resolved@${minutes(30).toISOString()}`,
    ])
    expect(posted).toEqual([
      'manual_review_queue_spike:pending',
      'manual_review_queue_spike:firing',
      'manual_review_queue_spike:resolved',
    ])
    await engine.events.flush()
    const events = await engine.db
      .select()
      .from(observabilityEvents)
      .where(and(eq(observabilityEvents.source, 'alerts')))
    expect(events.map((e) => e.eventType).sort()).toEqual(['alert.firing', 'alert.resolved'])
    expect(events.find((e) => e.eventType === 'alert.firing')!.context).toMatchObject({
      key: 'manual_review_queue_spike',
      value: 35,
    })
  })

  it('a pending rule whose condition clears goes back to ok without firing', async () => {
    await resetRule('manual_review_queue_spike')
    const service = createAlertService({
      db: engine.db,
      reader: scriptedReader('manual_review_share', (to) => ({ value: to < minutes(102) ? 50 : 1, sampleSize: 40 })),
      isCountMetric: () => false,
      events: engine.events,
      notifier: createAlertNotifier({}),
    })
    await service.evaluate(minutes(100))
    await service.evaluate(minutes(103))
    const history = await service.history({ key: 'manual_review_queue_spike', since: minutes(100) })
    expect(history.map((h) => h.to).reverse()).toEqual(['pending', 'ok'])
  })

  it('posts transitions to the webhook with retries, without blocking evaluation, and mails firing ones', async () => {
    await resetRule('coordinator_latency_high')
    const hook = await startWebhook(2, 100)
    const mails: Parameters<SendAlertEmail>[0][] = []
    const notifier = createAlertNotifier({
      webhookUrl: hook.url,
      initialDelayMs: 20,
      maxAttempts: 5,
      emailTo: 'ops@example.test',
      sendEmail: async (m) => void mails.push(m),
    })
    const service = createAlertService({
      db: engine.db,
      reader: scriptedReader('coordinator_latency_p95', () => ({ value: 9_000, sampleSize: 50 })),
      isCountMetric: () => false,
      events: engine.events,
      notifier,
    })
    try {
      const report = await service.evaluate(minutes(200))
      expect(report.transitions).toEqual([{ key: 'coordinator_latency_high', from: 'ok', to: 'firing', value: 9000 }])
      // evaluation returned while the first post was still waiting for its (slow, failing) answer
      expect(hook.bodies.length).toBeLessThanOrEqual(1)
      await notifier.drain()
      expect(hook.bodies).toHaveLength(3) // 500, 500, 200
      expect(new Set(hook.bodies).size).toBe(1)
      expect(JSON.parse(hook.bodies[0]!)).toMatchObject({
        alert: {
          key: 'coordinator_latency_high',
          from: 'ok',
          to: 'firing',
          value: 9000,
          threshold: 5000,
          severity: 'P3',
        },
      })
      expect(notifier.stats()).toMatchObject({ posted: 1, failed: 0, emailed: 1 })
      expect(mails[0]).toMatchObject({ to: 'ops@example.test', subject: '[P3] FIRING: coordinator_latency_high' })
    } finally {
      await hook.close()
    }
  })

  it('gives up after maxAttempts and stays silent while a rule is silenced', async () => {
    await resetRule('coordinator_high_error_rate')
    await resetRule('coordinator_latency_high') // left firing by the previous test: it would resolve here
    const hook = await startWebhook(100)
    const notifier = createAlertNotifier({ webhookUrl: hook.url, initialDelayMs: 5, maxAttempts: 3, log: () => {} })
    const service = createAlertService({
      db: engine.db,
      reader: scriptedReader('coordinator_error_rate', (to) => ({ value: to < minutes(310) ? 50 : 0, sampleSize: 50 })),
      isCountMetric: () => false,
      events: engine.events,
      notifier,
    })
    try {
      await service.evaluate(minutes(300))
      await notifier.drain()
      expect(hook.bodies).toHaveLength(3)
      expect(notifier.stats()).toMatchObject({ posted: 0, failed: 1 })

      await service.silence('coordinator_high_error_rate', minutes(400), 'ops@demo.maitre', null)
      await service.evaluate(minutes(310)) // resolved, but silenced: stored, not posted
      await notifier.drain()
      expect(hook.bodies).toHaveLength(3)
      expect((await service.history({ key: 'coordinator_high_error_rate' }))[0]).toMatchObject({ to: 'resolved' })
    } finally {
      await hook.close()
    }
  })

  it('does not fire a relative rule before there is a baseline (a fresh install)', async () => {
    // failures in the last hour, nothing in the 24 h before: "50% above normal" is undefined
    const now = Date.parse('2030-04-01T12:00:00.000Z')
    await insertEvents(
      engine,
      [1, 10, 20, 30].map((m) => ({
        occurredAt: new Date(now - m * 60_000),
        eventType: 'auto_assign.failed',
        restaurantId: null,
        context: { reason: 'NO_AVAILABILITY' },
      })),
    )
    await resetRule('auto_assign_failed_spike')
    for (const later of [0, 5, 10]) await engine.alerts.evaluate(new Date(now + later * 60_000))
    const rule = (await engine.alerts.list()).find((a) => a.key === 'auto_assign_failed_spike')!
    expect(rule).toMatchObject({ state: 'ok', value: 4, baseline: null })
    await resetRule('auto_assign_failed_spike')
  })

  it('fires a relative rule against its baseline read from the catalogue', async () => {
    // auto_assign_failed_spike: failures in the last hour > 1.5 x (failures per hour over the 24 h before)
    const now = Date.parse('2030-05-01T12:00:00.000Z')
    const failure = (msAgo: number): TestEvent => ({
      occurredAt: new Date(now - msAgo),
      eventType: 'auto_assign.failed',
      restaurantId: null,
      context: { reason: 'NO_AVAILABILITY' },
    })
    // baseline: 48 failures over 24 h = 2 per hour; window: 4 in the last hour (> 3)
    const events = [
      ...Array.from({ length: 48 }, (_, i) => failure(3_600_000 + 60_000 + i * 30 * 60_000)),
      ...[1, 10, 20, 30].map((m) => failure(m * 60_000)),
    ]
    await insertEvents(engine, events)
    await engine.alerts.evaluate(new Date(now))
    let rule = (await engine.alerts.list()).find((a) => a.key === 'auto_assign_failed_spike')!
    expect(rule).toMatchObject({ state: 'pending', value: 4, baseline: 2 })
    expect(rule.threshold).toBeCloseTo(3)
    await engine.alerts.evaluate(new Date(now + 5 * 60_000))
    rule = (await engine.alerts.list()).find((a) => a.key === 'auto_assign_failed_spike')!
    expect(rule.state).toBe('firing')
    // the engine mails firing transitions through the outbox (mail that is not about a booking)
    const mailed = async () =>
      (await engine.db.select().from(emailOutbox).where(eq(emailOutbox.kind, 'alert'))).map((m) => [
        m.recipient,
        m.subject,
      ])
    await expect
      .poll(mailed, { timeout: 5_000 })
      .toContainEqual(['oncall@example.test', '[P2] FIRING: auto_assign_failed_spike'])
  })

  it('updates a rule with an audit entry, and refuses a threshold on a relative rule', async () => {
    const updated = await engine.alerts.update('coordinator_latency_high', { threshold: 3000, forMinutes: 2 }, 'api')
    expect(updated).toMatchObject({ threshold: 3000, forMinutes: 2 })
    const [audit] = await engine.db.select().from(auditLog).where(eq(auditLog.entityId, 'coordinator_latency_high'))
    expect(audit).toMatchObject({ action: 'alert.updated', actor: 'api', entityType: 'alert_rule' })
    expect(audit!.details).toMatchObject({ before: { threshold: 5000 }, after: { threshold: 3000 } })
    await expect(engine.alerts.update('inline_timeout_spike', { threshold: 1 }, 'api')).rejects.toMatchObject({
      status: 400,
    })
    await expect(engine.alerts.update('nope', { enabled: false }, 'api')).rejects.toMatchObject({ status: 404 })
    expect(await engine.db.select().from(alertTransitions)).not.toHaveLength(0)
  })
})
