import type { AppLoadContext } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loader as overviewResource } from '../../app/routes/resources.overview.ts'
import { commitSessionCookie } from '../../app/utils/auth.server.ts'
import { parseDashboardFilters } from '../../app/utils/dashboard-filters.ts'
import { loadOverview } from '../../app/utils/overview.server.ts'
import { createUser, ensureRolesAndPermissions } from '../../server/auth/auth-service.ts'
import { smallFloor } from '../helpers/floors.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

// The overview's "pipeline and flag ramps in progress": the pipeline each restaurant runs, from the
// flag rules, and the staged ramps that are running or paused; on the page payload and in its CSV.
const change = { actor: 'user:engineer@test', comment: 'overview test' }

describe('overview: pipelines and ramps in progress', () => {
  let engine: TestEngine
  let context: AppLoadContext
  let cookie: string
  const ids = new Map<string, string>()

  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    context = { engine } as AppLoadContext
    await ensureRolesAndPermissions(engine.db)
    await createUser(engine.db, { email: 'ops@example.com', name: 'Ops', password: 'pw-123456', roles: ['ops'] })
    const session = await engine.auth.signIn('ops@example.com', 'pw-123456', { clientIp: '127.0.0.1' })
    if (!session.ok) throw new Error(session.message)
    cookie = (await commitSessionCookie(context, session.token, session.expiresAt)).split(';')[0]!
    for (const slug of ['all-v3', 'some-v3', 'shadowed', 'plain']) {
      await engine.restaurants.putFloor(slug, smallFloor({ name: slug }))
      ids.set(slug, (await engine.restaurants.findBySlug(slug))!.id)
    }
    const rule = (key: string, slug: string, rolloutPercent: number) =>
      engine.flags.setRule(key, { restaurantId: ids.get(slug)! }, { enabled: true, rolloutPercent }, change)
    await rule('assignment.pipeline_v3', 'all-v3', 100)
    await rule('assignment.pipeline_v3', 'some-v3', 30)
    await rule('assignment.pipeline_v3_shadow', 'some-v3', 100)
    await rule('assignment.pipeline_v3_shadow', 'shadowed', 100)
  })
  afterAll(() => engine?.dispose())

  it('gives each restaurant its pipeline: V3, V3 on a share of bookings (with shadow on the rest), shadow, legacy', async () => {
    const overview = await loadOverview(context, parseDashboardFilters(new URLSearchParams()))
    const bySlug = Object.fromEntries(overview.perRestaurant.map((r) => [r.slug, r.pipeline]))
    expect(bySlug).toEqual({
      'all-v3': { pipeline: 'v3', v3Percent: 100, shadow: false, shadowPercent: 0 },
      'some-v3': { pipeline: 'mixed', v3Percent: 30, shadow: true, shadowPercent: 100 },
      shadowed: { pipeline: 'legacy', v3Percent: 0, shadow: true, shadowPercent: 100 },
      plain: { pipeline: 'legacy', v3Percent: 0, shadow: false, shadowPercent: 0 },
    })
    expect(overview.ramps).toEqual([])
  })

  it('lists the ramps running or paused, not the finished ones, and puts both in the CSV', async () => {
    const stages = [
      { percent: 10, holdMinutes: 60, name: 'pilot' },
      { percent: 50, holdMinutes: 60 },
      { percent: 100, holdMinutes: 60 },
    ]
    const running = await engine.ramps.create(
      'auto_assign.retry_policy_v2',
      { restaurantId: null, stages, guardrails: [] },
      change,
    )
    const paused = await engine.ramps.create(
      'planner.profiling',
      { restaurantId: ids.get('plain')!, stages, guardrails: [] },
      change,
    )
    await engine.ramps.command(paused.id, 'pause', change)
    const finished = await engine.ramps.create(
      'planner.cache',
      { restaurantId: ids.get('shadowed')!, stages, guardrails: [] },
      change,
    )
    await engine.ramps.command(finished.id, 'rollback', change)

    const overview = await loadOverview(context, parseDashboardFilters(new URLSearchParams()))
    const byId = new Map(overview.ramps.map((r) => [r.id, r]))
    expect([...byId.keys()].sort()).toEqual([running.id, paused.id].sort())
    expect(byId.get(running.id)).toMatchObject({
      flag: 'auto_assign.retry_policy_v2',
      restaurant: null,
      state: 'running',
      stage: 1,
      stages: 3,
      stageName: 'pilot',
      percent: 10,
      nextStageAt: expect.any(String),
    })
    expect(byId.get(paused.id)).toMatchObject({ flag: 'planner.profiling', restaurant: 'plain', state: 'paused' })
    // filtered on a restaurant: its own ramps and the global ones
    const filtered = await loadOverview(context, parseDashboardFilters(new URLSearchParams({ restaurant: 'some-v3' })))
    expect(filtered.ramps.map((r) => r.id)).toEqual([running.id])

    const response = (await overviewResource({
      request: new Request('http://localhost/resources/overview?format=csv', { headers: { cookie } }),
      params: {},
      context,
    })) as Response
    const lines = (await response.text()).trim().split('\r\n')
    expect(lines[0]).toBe(
      'restaurant,bookings,confirmation_rate_pct,seated_inline,seated_by_job,moved_to_review,review_backlog,pipeline,v3_percent,shadow,ramps_in_progress',
    )
    const row = (slug: string) => lines.find((line) => line.startsWith(`${slug},`))!
    const global = 'auto_assign.retry_policy_v2 (global) stage 1 of 3 at 10% running'
    expect(row('some-v3')).toBe(`some-v3,0,,0,0,0,0,mixed,30,true,${global}`)
    expect(row('all-v3')).toBe(`all-v3,0,,0,0,0,0,v3,100,false,${global}`)
    // newest first: the restaurant's own paused ramp, then the global one
    expect(row('plain')).toBe(
      `plain,0,,0,0,0,0,legacy,0,false,planner.profiling (plain) stage 1 of 3 at 10% paused; ${global}`,
    )
  })
})
