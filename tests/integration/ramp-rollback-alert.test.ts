import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricReader, MetricReading } from '../../server/analytics/metric-reader.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { smallFloor } from '../helpers/floors.ts'

/** A webhook receiver on 127.0.0.1 that keeps every body it is sent. */
async function startWebhook() {
  const bodies: Array<{ alert: { key: string; to: string; value: number | null } }> = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      bodies.push(JSON.parse(body))
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

async function waitFor<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

// The ramp's guardrail reads a scripted metric (the runner's logic is tested on its own in
// flag-ramp-runner.test.ts); the alert reads the real catalogue over the real rollback event.
describe('a ramp that rolls itself back raises an alert', () => {
  let engine: TestEngine
  let webhook: Awaited<ReturnType<typeof startWebhook>>
  let clock = new Date('2030-05-01T09:00:00.000Z')
  const guardrail: MetricReading = { value: 90, sampleSize: 100 }
  const minutes = (n: number) => (clock = new Date(clock.getTime() + n * 60_000))

  beforeAll(async () => {
    webhook = await startWebhook()
    const reader: MetricReader = { read: async () => guardrail }
    engine = await createTestEngine(
      { ALERT_WEBHOOK_URL: webhook.url },
      { workers: false, now: () => clock, metricReader: reader },
    )
    await engine.restaurants.putFloor('pilot', smallFloor({ name: 'Pilot' }))
  }, 60_000)
  afterAll(async () => {
    await engine?.dispose()
    await webhook?.close()
  })

  it('goes firing with a webhook post once the runner rolls back, and resolves an hour later', async () => {
    const ramp = await engine.ramps.create(
      'auto_assign.retry_policy_v2',
      {
        restaurantId: null,
        stages: [{ percent: 25, holdMinutes: 60 }],
        guardrails: [{ metric: 'job_success_rate', comparator: 'gte', threshold: 65, minSample: 20, breachMinutes: 5 }],
      },
      { actor: 'user:engineer@test', comment: 'retry v2 to a quarter' },
    )
    minutes(1)
    await engine.alerts.evaluate(clock)
    expect((await engine.alerts.list()).find((a) => a.key === 'flag_ramp_rolled_back')).toMatchObject({ state: 'ok' })

    // the guardrail breaks and stays broken for its breach window: the runner rolls back
    guardrail.value = 40
    await engine.ramps.tick(minutes(1))
    await engine.ramps.tick(minutes(5))
    expect((await engine.ramps.get(ramp.id)).state).toBe('rolled_back')
    await engine.events.flush()

    minutes(1)
    const report = await engine.alerts.evaluate(clock)
    expect(report.transitions).toContainEqual({ key: 'flag_ramp_rolled_back', from: 'ok', to: 'firing', value: 1 })
    const posted = await waitFor(() => webhook.bodies.find((b) => b.alert.key === 'flag_ramp_rolled_back'))
    expect(posted.alert).toMatchObject({ to: 'firing', value: 1 })
    const history = await engine.alerts.history({ key: 'flag_ramp_rolled_back' })
    expect(history.map((h) => h.to)).toEqual(['firing'])

    // the window moves past the rollback: resolved, posted too
    minutes(61)
    const later = await engine.alerts.evaluate(clock)
    expect(later.transitions).toContainEqual({ key: 'flag_ramp_rolled_back', from: 'firing', to: 'resolved', value: 0 })
    await waitFor(() =>
      webhook.bodies.find((b) => b.alert.key === 'flag_ramp_rolled_back' && b.alert.to === 'resolved'),
    )
  })

  it('does not alert when a person rolls a ramp back: they know already', async () => {
    guardrail.value = 90
    const ramp = await engine.ramps.create(
      'auto_assign.retry_policy_v2',
      { restaurantId: null, stages: [{ percent: 10, holdMinutes: 60 }], guardrails: [] },
      { actor: 'user:engineer@test', comment: 'again, carefully' },
    )
    await engine.ramps.command(ramp.id, 'rollback', { actor: 'user:engineer@test', comment: 'wrong week' })
    await engine.events.flush()
    minutes(1)
    const report = await engine.alerts.evaluate(clock)
    expect(report.transitions.filter((t) => t.key === 'flag_ramp_rolled_back')).toEqual([])
  })
})
