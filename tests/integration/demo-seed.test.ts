import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAdjacency, listTables, listZones } from '../../server/db/queries/restaurants.ts'
import { DEMO_USERS, DEMO_PASSWORD, seedDemoIfEmpty } from '../../server/sim/demo-seed.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

describe('demo seed', () => {
  let engine: TestEngine
  const log: string[] = []
  beforeAll(async () => {
    engine = await createTestEngine()
  })
  afterAll(() => engine.dispose())

  it('seeds three realistic restaurants and the demo users into an empty database, once', async () => {
    expect(await seedDemoIfEmpty(engine, (line) => log.push(line))).toBe(true)
    expect(await seedDemoIfEmpty(engine, (line) => log.push(line))).toBe(false)
    const restaurants = await engine.restaurants.list()
    const shape = await Promise.all(
      restaurants.map(async (r) => ({
        slug: r.slug,
        tables: (await listTables(engine.db, r.id)).length,
        zones: (await listZones(engine.db, r.id)).length,
        edges: (await listAdjacency(engine.db, r.id)).length,
      })),
    )
    expect(
      shape.map(({ slug, tables, zones }) => ({ slug, tables, zones })).sort((a, b) => a.tables - b.tables),
    ).toEqual([
      { slug: 'bistro-lumiere', tables: 20, zones: 3 },
      { slug: 'brasserie-du-marche', tables: 60, zones: 4 },
      { slug: 'halle-centrale', tables: 150, zones: 8 },
    ])
    for (const restaurant of shape) expect(restaurant.edges).toBeGreaterThan(restaurant.tables / 2)
    // the logins are printed by the start-up banner (tests/unit/startup-banner.test.ts), after these lines
    expect(log).toEqual([
      'Demo mode: seeded 3 restaurants and 4 users',
      'Demo mode: database already has data, not seeding',
    ])
  })

  it('adjacency only joins tables of one zone, and fixed tables have no edges', async () => {
    for (const restaurant of await engine.restaurants.list()) {
      const tables = new Map((await listTables(engine.db, restaurant.id)).map((t) => [t.id, t]))
      for (const edge of await listAdjacency(engine.db, restaurant.id)) {
        const a = tables.get(edge.a)!
        const b = tables.get(edge.b)!
        expect(a.zoneId).toBe(b.zoneId)
        expect(a.mergeable && b.mergeable).toBe(true)
      }
    }
  })

  it('demo users sign in with the demo password and carry their role', async () => {
    const client = { clientIp: '127.0.0.1' }
    for (const user of DEMO_USERS) {
      const session = await engine.auth.signIn(user.email, DEMO_PASSWORD, client)
      if (!session.ok) throw new Error(`${user.email} could not sign in: ${session.message}`)
      const sessionUser = await engine.auth.getSessionUser(session.token)
      expect(sessionUser?.roles).toEqual(user.roles)
    }
    expect(await engine.auth.signIn('ops@demo.maitre', 'wrong-password', client)).toMatchObject({ ok: false })
    expect(await engine.auth.signIn('nobody@demo.maitre', DEMO_PASSWORD, client)).toMatchObject({ ok: false })
  })

  it('signing out ends the session', async () => {
    const session = await engine.auth.signIn('staff@demo.maitre', DEMO_PASSWORD, { clientIp: '127.0.0.1' })
    if (!session.ok) throw new Error(session.message)
    await engine.auth.signOut(session.token)
    expect(await engine.auth.getSessionUser(session.token)).toBeNull()
  })
})
