import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import type { MetricQuery, MetricReader, MetricReading } from '../../server/analytics/metric-reader.ts'
import { loadConfig } from '../../server/config.ts'
import { createEngine, type Engine } from '../../server/engine.ts'
import { AppError } from '../../server/errors.ts'
import { createRampService, type RampService } from '../../server/flags/ramps/ramp-service.ts'
import { registerRampRunner, RAMP_RUNNER_TASK } from '../../server/flags/ramps/ramp-runner.ts'
import { createScheduler, type Scheduler } from '../../server/scheduling/scheduler.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { smallFloor } from '../helpers/floors.ts'

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows

/** A metric reader with one value per metric that the test changes as it goes (a fixed series). */
function fixedReader() {
  const values = new Map<string, MetricReading>()
  // readings of windows that end by a given time (the baseline before a ramp)
  const history = new Map<string, { until: Date; reading: MetricReading }>()
  const queries: Array<{ name: string } & MetricQuery> = []
  const reader: MetricReader = {
    async read(name, query) {
      queries.push({ name, ...query })
      const past = history.get(name)
      if (past && query.to.getTime() <= past.until.getTime()) return past.reading
      const value = values.get(name)
      if (!value) throw new AppError('UNKNOWN_METRIC', `no metric ${name}`, 404)
      return value
    },
  }
  return {
    reader,
    values,
    queries,
    setBefore: (until: Date, name: string, value: number | null, sampleSize: number) =>
      history.set(name, { until, reading: { value, sampleSize } }),
    set: (name: string, value: number | null, sampleSize: number) => values.set(name, { value, sampleSize }),
  }
}

describe('ramp runner with a fake clock', () => {
  let engine: TestEngine
  let clock: Date
  let metrics: ReturnType<typeof fixedReader>
  let ramps: RampService
  const minutes = (n: number) => {
    clock = new Date(clock.getTime() + n * 60_000)
    return clock
  }
  const globalRule = () =>
    engine.flags.rules().find((row) => row.flagKey === 'auto_assign.retry_policy_v2' && row.restaurantId === null)

  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    await engine.restaurants.putFloor('pilot-a', smallFloor({ name: 'Pilot A' }))
    await engine.restaurants.putFloor('pilot-b', smallFloor({ name: 'Pilot B' }))
    clock = new Date('2026-12-02T09:00:00Z')
    metrics = fixedReader()
    ramps = createRampService({
      db: engine.db,
      flags: engine.flags,
      events: engine.events,
      metrics: metrics.reader,
      now: () => clock,
    })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it('advances when the hold has passed and the guardrails are ok, holds on thin data, rolls back on a breach', async () => {
    metrics.set('job_success_rate', 80, 50)
    metrics.set('avg_attempts', 1.8, 50)
    const ramp = await ramps.create(
      'auto_assign.retry_policy_v2',
      {
        restaurantId: null,
        stages: [
          { percent: 10, holdMinutes: 60 },
          {
            percent: 25,
            holdMinutes: 60,
            guardrails: [{ metric: 'avg_attempts', comparator: 'lte', threshold: 2.5, minSample: 20 }],
          },
          { percent: 100, holdMinutes: 60 },
        ],
        guardrails: [
          { metric: 'job_success_rate', comparator: 'gte', threshold: 65, minSample: 20, breachMinutes: 30 },
        ],
      },
      { actor: 'user:engineer@test', comment: 'retry v2 to everyone' },
    )
    expect(ramp).toMatchObject({ state: 'running', stage: 0 })
    expect(globalRule()).toMatchObject({ rolloutPercent: 10 })

    // hold: nothing moves before 60 minutes, whatever the guardrails say
    minutes(30)
    expect(await ramps.tick(clock)).toEqual([{ id: ramp.id, outcome: 'wait' }])
    let current = await ramps.get(ramp.id)
    expect(current.stage).toBe(0)
    expect(current.lastReason).toMatch(/holding stage 1 until 2026-12-02T10:00:00.000Z/)
    expect(current.guardrails[0]).toMatchObject({ metric: 'job_success_rate', status: 'ok', value: 80, sampleSize: 50 })

    // insufficient data after the hold: still no advance
    metrics.set('job_success_rate', 80, 5)
    minutes(31)
    await ramps.tick(clock)
    current = await ramps.get(ramp.id)
    expect(current.stage).toBe(0)
    expect(current.guardrails[0]!.status).toBe('insufficient_data')
    expect(current.lastReason).toMatch(/job_success_rate has 5 of 20 observations/)
    expect(globalRule()).toMatchObject({ rolloutPercent: 10 })

    // enough data: advance to 25 %; the rule follows
    metrics.set('job_success_rate', 80, 50)
    minutes(1)
    expect((await ramps.tick(clock))[0]!.outcome).toBe('advance')
    current = await ramps.get(ramp.id)
    expect(current).toMatchObject({ state: 'running', stage: 1 })
    expect(current.guardrails.map((g) => `${g.metric}:${g.scope}`)).toEqual([
      'job_success_rate:ramp',
      'avg_attempts:stage',
    ])
    expect(globalRule()).toMatchObject({ rolloutPercent: 25 })
    expect(current.history.at(-1)).toMatchObject({ actor: 'system:ramp-runner', fromStage: 0, toStage: 1 })
    expect(current.history.at(-1)!.reason).toMatch(/hold of 60 min passed; job_success_rate 80 >= 65 \(n=50\)/)

    // the success rate drops: failing (no rollback yet) for 29 minutes, then breached at 30
    metrics.set('job_success_rate', 50, 60)
    minutes(1)
    await ramps.tick(clock)
    expect((await ramps.get(ramp.id)).guardrails[0]!.status).toBe('failing')
    minutes(29)
    expect((await ramps.tick(clock))[0]!.outcome).toBe('wait')
    minutes(1)
    expect((await ramps.tick(clock))[0]!.outcome).toBe('rollback')
    current = await ramps.get(ramp.id)
    expect(current.state).toBe('rolled_back')
    expect(current.history.at(-1)!.reason).toMatch(/guardrail breached: job_success_rate 50 < 65 for 30 min/)
    expect(globalRule()).toMatchObject({ enabled: true, rolloutPercent: 0 })
    expect(await ramps.tick(clock)).toEqual([])

    await engine.events.flush()
    const rolledBack = rowsOf<{ severity: string; context: Record<string, unknown> }>(
      await engine.db.execute(
        sql`select severity, context from observability_events where event_type = 'flag.ramp_rolled_back'`,
      ),
    )
    expect(rolledBack).toHaveLength(1)
    expect(rolledBack[0]).toMatchObject({
      severity: 'error',
      context: { ramp_id: ramp.id, percent: 0, actor: 'system:ramp-runner' },
    })
    const readings = await ramps.readings(ramp.id)
    expect(readings.filter((r) => r.metric === 'job_success_rate').map((r) => r.status)).toContain('breached')
    // the audit trail names the runner and says why at every step
    const audit = rowsOf<{ action: string; actor: string; comment: string }>(
      await engine.db.execute(
        sql`select action, actor, comment from flag_audit where ramp_id = ${ramp.id} order by id`,
      ),
    )
    expect(audit.map((a) => a.action)).toEqual([
      'ramp_created',
      'ramp_start',
      'ramp_start',
      'ramp_advance',
      'ramp_advance',
      'ramp_rollback',
      'ramp_rollback',
    ])
    expect(audit.filter((a) => a.actor === 'system:ramp-runner')).toHaveLength(4)
  })

  it('reads guardrails against the baseline before the ramp, and a paused ramp is left alone', async () => {
    metrics.set('inline_timeout_pct', 12, 40)
    const ramp = await ramps.create(
      'planner.profiling',
      {
        restaurantId: null,
        stages: [
          { percent: 5, holdMinutes: 10 },
          { percent: 100, holdMinutes: 10 },
        ],
        guardrails: [
          {
            metric: 'inline_timeout_pct',
            comparator: 'lte',
            relativeTo: 'baseline',
            maxDelta: 5,
            breachMinutes: 0,
            windowMinutes: 30,
          },
        ],
      },
      { actor: 'user:engineer@test', comment: 'profile' },
    )
    const startedAt = new Date(ramp.startedAt!)
    metrics.setBefore(startedAt, 'inline_timeout_pct', 12, 40)
    await ramps.command(ramp.id, 'pause', { actor: 'user:engineer@test', comment: 'lunch' })
    minutes(60)
    metrics.set('inline_timeout_pct', 99, 40)
    expect(await ramps.tick(clock)).toEqual([]) // paused ramps are not the runner's
    await ramps.command(ramp.id, 'resume', { actor: 'user:engineer@test' })
    metrics.queries.length = 0
    // the baseline before the ramp was 12, so the limit is 17: 99 breaches at once (breachMinutes 0)
    expect((await ramps.tick(clock))[0]!.outcome).toBe('rollback')
    const baselineQuery = metrics.queries.find((q) => q.to.getTime() === startedAt.getTime())
    expect(baselineQuery).toMatchObject({
      name: 'inline_timeout_pct',
      from: new Date(startedAt.getTime() - 30 * 60_000),
    })
    const current = await ramps.get(ramp.id)
    expect(current.history.at(-1)!.reason).toMatch(/inline_timeout_pct 99 > 17/)
  })
  it('rolls back even when the reason is longer than an audit comment may be', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `${'very_long_metric_name_'.repeat(4)}${i}`)
    for (const name of names) metrics.set(name, 1, 100)
    const ramp = await ramps.create(
      'assignment.pipeline_v3_shadow',
      {
        restaurantId: null,
        stages: [{ percent: 50, holdMinutes: 60 }],
        guardrails: names.map((metric) => ({ metric, comparator: 'gte' as const, threshold: 5, breachMinutes: 0 })),
      },
      { actor: 'user:engineer@test', comment: 'many gates' },
    )
    minutes(1)
    expect((await ramps.tick(clock))[0]!.outcome).toBe('rollback')
    const current = await ramps.get(ramp.id)
    expect(current.state).toBe('rolled_back')
    expect(current.history.at(-1)!.reason.length).toBeGreaterThan(500)
  })
})

describe('exactly one ramp runner across processes', () => {
  let engine: TestEngine
  let second: Engine | undefined
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(async () => {
    await second?.close()
    await engine.dispose()
  })

  it('two processes tick at once; the ramp advances once', async () => {
    // Postgres: a second engine process on the same database. PGlite lives in one process, so there
    // the second "process" is a second scheduler and ramp service over the same database.
    const clock = { now: new Date() }
    const reader: MetricReader = { read: async () => ({ value: 1, sampleSize: 100 }) }
    const schedulers: Scheduler[] = []
    const services: RampService[] = []
    if (engine.config.databaseUrl) {
      second = await createEngine(
        loadConfig({
          ...process.env,
          NODE_ENV: 'test',
          MAITRE_DEMO: '0',
          DATABASE_URL: engine.config.databaseUrl,
          SESSION_SECRET: 'second-process-secret-0123-abcdefghijkl',
        }),
        { workers: false },
      )
    }
    for (const [index, host] of [engine, second ?? engine].entries()) {
      const scheduler = createScheduler({ db: host.db, id: `runner-${index}`, now: () => clock.now })
      const ramps = createRampService({
        db: host.db,
        flags: host.flags,
        events: host.events,
        metrics: reader,
        now: () => clock.now,
      })
      registerRampRunner(scheduler, ramps, 3_600_000)
      schedulers.push(scheduler)
      services.push(ramps)
    }
    const ramp = await services[0]!.create(
      'planner.profiling',
      {
        restaurantId: null,
        stages: [
          { percent: 10, holdMinutes: 1 },
          { percent: 100, holdMinutes: 1 },
        ],
        guardrails: [],
      },
      { actor: 'user:engineer@test', comment: 'one runner' },
    )
    clock.now = new Date(Date.now() + 5 * 60_000)
    const ran = await Promise.all(schedulers.map((scheduler) => scheduler.runNow(RAMP_RUNNER_TASK)))
    expect(ran.filter(Boolean)).toHaveLength(1)
    // the process without the lease keeps out on later runs too
    const loser = schedulers[ran.indexOf(false)]!
    expect(await loser.runNow(RAMP_RUNNER_TASK)).toBe(false)
    const current = await services[1]!.get(ramp.id)
    expect(current.stage).toBe(1)
    expect(current.history.filter((h) => h.fromStage === 0 && h.toStage === 1)).toHaveLength(1)
    // and even two ticks racing on the same ramp (a person's command and the runner) cannot both
    // apply: the version fence lets one through
    const outcomes = await Promise.all(
      services.map((service) => service.tick(new Date(clock.now.getTime() + 5 * 60_000))),
    )
    expect(outcomes.flat().filter((o) => o.outcome === 'complete')).toHaveLength(1)
    const finished = await services[0]!.get(ramp.id)
    expect(finished.state).toBe('completed')
    expect(finished.history.filter((h) => h.to === 'completed')).toHaveLength(1)
    for (const scheduler of schedulers) await scheduler.stop()
  })
})
