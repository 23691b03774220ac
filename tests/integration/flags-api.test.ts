import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows

describe('flags API', () => {
  let engine: TestEngine
  let api: TestApi
  let bistroId: string
  beforeAll(async () => {
    engine = await createTestEngine({ FEATURE_ASSIGNMENT_RESEAT: 'off' }, { workers: false })
    api = await serveApi(engine)
    for (const slug of ['bistro', 'cafe']) {
      expect((await api.request('PUT', `/api/restaurants/${slug}`, smallFloor({ name: slug }))).status).toBe(200)
    }
    bistroId = (await engine.restaurants.findBySlug('bistro'))!.id
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('lists every flag with its type, default and the env kill switch', async () => {
    const { status, body } = await api.request('GET', '/api/flags')
    expect(status).toBe(200)
    const keys = body.flags.map((flag: { key: string }) => flag.key)
    expect(keys).toContain('assignment.reseat')
    expect(body.flags.find((f: { key: string }) => f.key === 'assignment.reseat')).toMatchObject({
      type: 'boolean',
      default: false,
      envOverride: false,
      envVariable: 'FEATURE_ASSIGNMENT_RESEAT',
      rules: [],
      ramps: [],
      realised: { on: 0, total: 2 },
    })
    expect(body.flags.find((f: { key: string }) => f.key === 'assignment.pipeline_v3_max_parallel')).toMatchObject({
      type: 'number',
      default: 3,
      envOverride: null,
    })
  })

  it('refuses bad rules with a 4xx and writes nothing', async () => {
    const put = (key: string, scope: string, body: unknown) =>
      api.request('PUT', `/api/flags/${key}/rules/${scope}`, body)
    expect((await put('assignment.pipeline_v3', 'global', { enabled: true })).body.error.code).toBe('INVALID_INPUT')
    expect((await put('assignment.pipeline_v3', 'global', { enabled: true, comment: '  ' })).status).toBe(400)
    const wrongType = await put('inline_auto_assign.timeout_ms', 'global', {
      enabled: true,
      value: 'fast',
      comment: 'x',
    })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.error.code).toBe('FLAG_VALUE_INVALID')
    const outOfBounds = await put('assignment.pipeline_v3_max_parallel', 'global', {
      enabled: true,
      value: 500,
      comment: 'x',
    })
    expect(outOfBounds.body.error.message).toMatch(/from 1 to 64/)
    expect(
      (await put('assignment.pipeline_v3', 'global', { enabled: true, rolloutPercent: 101, comment: 'x' })).status,
    ).toBe(400)
    expect((await put('no.such_flag', 'global', { enabled: true, comment: 'x' })).status).toBe(404)
    expect((await put('assignment.pipeline_v3', 'nowhere', { enabled: true, comment: 'x' })).status).toBe(404)
    const count = rowsOf<{ n: number }>(await engine.db.execute(sql`select count(*)::int as n from flag_rules`))
    expect(count[0]!.n).toBe(0)
    const audits = rowsOf<{ n: number }>(await engine.db.execute(sql`select count(*)::int as n from flag_audit`))
    expect(audits[0]!.n).toBe(0)
  })

  it('a restaurant rule wins over a global ramp; the change is audited and evented', async () => {
    const global = await api.request('PUT', '/api/flags/assignment.pipeline_v3/rules/global', {
      enabled: true,
      rolloutPercent: 0,
      comment: 'ramp V3 from zero',
    })
    expect(global.status).toBe(200)
    expect(global.body.rule).toMatchObject({
      restaurant: null,
      enabled: true,
      rolloutPercent: 0,
      updatedBy: 'system:api',
    })
    let evaluation = await api.request('GET', '/api/flags/assignment.pipeline_v3/evaluate?restaurant=bistro')
    expect(evaluation.body).toMatchObject({ value: false, reason: 'SPLIT', detail: 'GLOBAL_RULE_OUT_OF_ROLLOUT' })

    const own = await api.request('PUT', '/api/flags/assignment.pipeline_v3/rules/bistro', {
      enabled: true,
      comment: 'bistro pilots V3',
    })
    expect(own.status).toBe(200)
    evaluation = await api.request('GET', '/api/flags/assignment.pipeline_v3/evaluate?restaurant=bistro')
    expect(evaluation.body).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      detail: 'RESTAURANT_RULE',
      variant: 'on',
    })
    evaluation = await api.request('GET', '/api/flags/assignment.pipeline_v3/evaluate?restaurant=cafe')
    expect(evaluation.body.value).toBe(false)
    // the env kill switch beats both
    evaluation = await api.request('GET', '/api/flags/assignment.reseat/evaluate?restaurant=bistro')
    expect(evaluation.body).toMatchObject({ value: false, reason: 'STATIC', detail: 'ENV_OVERRIDE' })

    const audit = await api.request('GET', '/api/flags/assignment.pipeline_v3/audit')
    expect(audit.body.entries).toHaveLength(2)
    expect(audit.body.entries[0]).toMatchObject({
      actor: 'system:api',
      action: 'set_rule',
      restaurant: 'bistro',
      before: null,
      after: { enabled: true, rolloutPercent: 100, value: null },
      comment: 'bistro pilots V3',
    })

    const raised = await api.request('PUT', '/api/flags/assignment.pipeline_v3/rules/global', {
      enabled: true,
      rolloutPercent: 25,
      comment: 'next stage',
    })
    expect(raised.status).toBe(200)
    const latest = (await api.request('GET', '/api/flags/assignment.pipeline_v3/audit')).body.entries[0]
    expect(latest).toMatchObject({
      before: { rolloutPercent: 0 },
      after: { rolloutPercent: 25 },
      comment: 'next stage',
    })

    await engine.events.flush()
    const events = rowsOf<{ restaurant_id: string | null; context: Record<string, unknown> }>(
      await engine.db.execute(
        sql`select restaurant_id, context from observability_events where event_type = 'flag.rule_changed' order by id`,
      ),
    )
    expect(events).toHaveLength(3)
    expect(events[1]).toMatchObject({
      restaurant_id: bistroId,
      context: { flag: 'assignment.pipeline_v3', actor: 'system:api', comment: 'bistro pilots V3', before: null },
    })
  })

  it('deletes a rule once, with a reason', async () => {
    const path = '/api/flags/assignment.pipeline_v3/rules/bistro'
    expect((await api.request('DELETE', path)).status).toBe(400)
    const deleted = await api.request('DELETE', `${path}?comment=${encodeURIComponent('pilot over')}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.before).toMatchObject({ enabled: true, rolloutPercent: 100 })
    expect((await api.request('DELETE', path, { comment: 'again' })).status).toBe(404)
    const entry = (await api.request('GET', '/api/flags/assignment.pipeline_v3/audit')).body.entries[0]
    expect(entry).toMatchObject({ action: 'delete_rule', restaurant: 'bistro', after: null, comment: 'pilot over' })
  })

  it('counts evaluations by flag, variant and reason in Prometheus', async () => {
    await engine.flags.boolean('assignment.pipeline_v3', { restaurantId: bistroId })
    const metrics = await api.request('GET', '/metrics')
    expect(metrics.body).toMatch(
      /maitre_flag_evaluations_total\{flag="assignment\.pipeline_v3",variant="(on|off)",reason="SPLIT"\} \d+/,
    )
    expect(metrics.body).toMatch(
      /maitre_flag_evaluations_total\{flag="assignment\.reseat",variant="env",reason="STATIC"\} 1/,
    )
  })

  it('runs a ramp by hand: start, 409 on a second, pause, resume, advance with a reason, roll back', async () => {
    const created = await api.request('POST', '/api/flags/planner.profiling/ramps', {
      stages: [
        { percent: 10, holdMinutes: 60 },
        { percent: 50, holdMinutes: 60 },
        { percent: 100, holdMinutes: 60 },
      ],
      guardrails: [],
      comment: 'profile a few restaurants',
    })
    expect(created.status).toBe(201)
    const ramp = created.body.ramp
    expect(ramp).toMatchObject({ flag: 'planner.profiling', restaurant: null, state: 'running', stage: 0 })
    expect(new Date(ramp.nextStageAt).getTime() - new Date(ramp.startedAt).getTime()).toBe(60 * 60_000)
    const rule = () =>
      engine.flags.rules().find((row) => row.flagKey === 'planner.profiling' && row.restaurantId === null)
    expect(rule()).toMatchObject({ enabled: true, rolloutPercent: 10 })

    const second = await api.request('POST', '/api/flags/planner.profiling/ramps', {
      stages: [{ percent: 100, holdMinutes: 1 }],
    })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('RAMP_ACTIVE')

    const act = (command: string, body?: unknown) => api.request('POST', `/api/ramps/${ramp.id}/${command}`, body)
    expect((await act('pause')).body.ramp.state).toBe('paused')
    expect((await act('pause')).status).toBe(409)
    expect((await act('advance', { comment: 'go' })).status).toBe(409)
    expect((await act('resume')).body.ramp.state).toBe('running')
    expect((await act('advance')).status).toBe(400)
    const advanced = await act('advance', { comment: 'metrics look fine on the dashboard' })
    expect(advanced.body.ramp).toMatchObject({ state: 'running', stage: 1 })
    expect(rule()).toMatchObject({ rolloutPercent: 50 })
    const rolledBack = await act('rollback', { comment: 'too much event volume' })
    expect(rolledBack.body.ramp.state).toBe('rolled_back')
    expect(rule()).toMatchObject({ enabled: true, rolloutPercent: 0 })
    expect((await act('resume')).status).toBe(409)
    expect((await act('explode')).status).toBe(404)
    expect((await api.request('GET', '/api/ramps/not-a-uuid')).status).toBe(404)

    const fetched = (await api.request('GET', `/api/ramps/${ramp.id}`)).body.ramp
    expect(fetched.history.map((h: { from: string; to: string }) => `${h.from}>${h.to}`)).toEqual([
      'scheduled>running',
      'running>paused',
      'paused>running',
      'running>running',
      'running>rolled_back',
    ])
    expect(fetched.history[3]).toMatchObject({ actor: 'system:api', fromStage: 0, toStage: 1 })
    expect(fetched.history[3].reason).toContain('metrics look fine on the dashboard')

    await engine.events.flush()
    const types = rowsOf<{ event_type: string }>(
      await engine.db.execute(
        sql`select event_type from observability_events where event_type like 'flag.ramp_%' order by id`,
      ),
    ).map((row) => row.event_type)
    expect(types).toEqual([
      'flag.ramp_started',
      'flag.ramp_paused',
      'flag.ramp_resumed',
      'flag.ramp_advanced',
      'flag.ramp_rolled_back',
    ])
    // a finished ramp frees the scope for the next one
    const again = await api.request('POST', '/api/flags/planner.profiling/ramps', {
      stages: [{ percent: 5, holdMinutes: 30 }],
      startAt: new Date(Date.now() + 3600_000).toISOString(),
    })
    expect(again.status).toBe(201)
    expect(again.body.ramp.state).toBe('scheduled')
  })

  it('validates ramps: templates, pilots, metrics, non-boolean flags', async () => {
    const post = (key: string, body: unknown) => api.request('POST', `/api/flags/${key}/ramps`, body)
    expect((await post('inline_auto_assign.timeout_ms', { stages: [{ percent: 10, holdMinutes: 5 }] })).status).toBe(
      400,
    )
    expect((await post('assignment.pipeline_v3', { template: 'nope' })).body.error.code).toBe('RAMP_TEMPLATE_UNKNOWN')
    expect((await post('assignment.pipeline_v3', { template: 'auto-assign-optimisation' })).body.error.code).toBe(
      'RAMP_TEMPLATE_FLAG',
    )
    expect((await post('auto_assign.retry_policy_v2', { template: 'auto-assign-optimisation' })).body.error.code).toBe(
      'RAMP_PILOTS_REQUIRED',
    )
    const descending = await post('assignment.pipeline_v3', {
      stages: [
        { percent: 50, holdMinutes: 5 },
        { percent: 10, holdMinutes: 5 },
      ],
    })
    expect(descending.body.error.code).toBe('RAMP_STAGES_DESCENDING')
    const badGuardrail = await post('assignment.pipeline_v3', {
      stages: [{ percent: 10, holdMinutes: 5 }],
      guardrails: [{ metric: 'job_success_rate', comparator: 'gte' }],
    })
    expect(badGuardrail.status).toBe(400)
    // both rollout plans start: every gate names a metric of the catalogue
    const v3 = await post('assignment.pipeline_v3', { template: 'pipeline-v3-rollout', comment: 'seed 004' })
    expect(v3.status).toBe(201)
    expect(v3.body.ramp).toMatchObject({ state: 'running', stage: 0, template: 'pipeline-v3-rollout' })
    expect(v3.body.ramp.stages.map((s: { percent: number }) => s.percent)).toEqual([0, 10, 50, 100])
    expect(v3.body.ramp.guardrails).toMatchObject([
      { metric: 'shadow_match_rate', threshold: 95, minSample: 100, scope: 'stage', status: 'insufficient_data' },
    ])
    const retry = await post('auto_assign.retry_policy_v2', {
      template: 'auto-assign-optimisation',
      pilotRestaurants: ['bistro', 'cafe'],
      comment: 'seed 000',
    })
    expect(retry.status).toBe(201)
    expect(retry.body.ramp.stages[2]).toMatchObject({ percent: 0, restaurants: ['bistro', 'cafe'] })
    const unknownPilot = await post('planner.cache', {
      template: 'auto-assign-optimisation',
      pilotRestaurants: ['bistro', 'nowhere'],
    })
    expect(unknownPilot.body.error.code).toBe('RESTAURANT_NOT_FOUND')
    const unknownMetric = await post('planner.cache', {
      stages: [{ percent: 10, holdMinutes: 5 }],
      guardrails: [{ metric: 'no_such_metric', comparator: 'lte', threshold: 1 }],
    })
    expect(unknownMetric.body.error.code).toBe('UNKNOWN_METRIC')
    const templates = await api.request('GET', '/api/ramps/templates')
    expect(templates.body.templates.map((t: { id: string }) => t.id)).toEqual([
      'auto-assign-optimisation',
      'pipeline-v3-rollout',
    ])
    expect(
      templates.body.templates[0].stages.map((s: { name: string; percent: number }) => `${s.name}:${s.percent}`),
    ).toEqual([
      'Telemetry readiness:0',
      'Staging soak:0',
      '2 pilot restaurants:0',
      '25 % of restaurants:25',
      '50 % of restaurants:50',
      '100 % of restaurants:100',
    ])
  })
})
