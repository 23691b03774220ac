import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoIfEmpty } from '../../server/sim/demo-seed.ts'
import { SIMULATED_RESTAURANT_SLUGS, simulatorIntervalMs, startSimulator } from '../../server/sim/simulator.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { smallFloor } from '../helpers/floors.ts'

describe('demo traffic simulator', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine()
    await seedDemoIfEmpty(engine, () => {})
    // a restaurant someone created beside the demo ones: the simulator must leave it alone
    await engine.restaurants.putFloor('my-place', smallFloor({ name: 'My place' }))
  })
  afterAll(() => engine.dispose())

  it('books through the real intake path inside service hours, then keeps a steady trickle going', async () => {
    const simulator = await startSimulator(engine, { initialBookings: 40, intervalMs: 20, cancelShare: 0.3, seed: 1 })
    expect(simulator.made.length).toBe(40)
    expect(new Set(simulator.restaurants)).toEqual(SIMULATED_RESTAURANT_SLUGS)
    await new Promise((resolve) => setTimeout(resolve, 400))
    await simulator.stop()
    const rows = await engine.database.executeSql(
      `select r.slug, count(*)::int as n, count(*) filter (where b.status = 'confirmed')::int as confirmed
         from bookings b join restaurants r on r.id = b.restaurant_id group by r.slug`,
    )
    const total = rows.rows.reduce((sum, row) => sum + Number(row.n), 0)
    expect(total).toBeGreaterThan(40)
    expect(rows.rows.map((row) => row.slug).sort()).toEqual([...SIMULATED_RESTAURANT_SLUGS].sort())
    const cancelled = await engine.database.executeSql(
      `select count(*)::int as n from bookings where status = 'cancelled'`,
    )
    expect(cancelled.rows[0]!.n).toBeGreaterThan(0)
    const confirmed = rows.rows.reduce((sum, row) => sum + Number(row.confirmed), 0)
    expect(confirmed / total).toBeGreaterThan(0.5)
    await engine.events.flush()
    const quotes = await engine.database.executeSql(
      `select count(*)::int as n from observability_events where event_type = 'auto_assign.quote'`,
    )
    expect(quotes.rows[0]!.n).toBeGreaterThanOrEqual(40)
  })

  it('books nothing when only restaurants people created exist', async () => {
    const bare = await createTestEngine()
    try {
      await bare.restaurants.putFloor('my-place', smallFloor({ name: 'My place' }))
      const lines: string[] = []
      const simulator = await startSimulator(bare, { initialBookings: 5, intervalMs: 10, log: (l) => lines.push(l) })
      await new Promise((resolve) => setTimeout(resolve, 100))
      await simulator.stop()
      expect(simulator.made).toEqual([])
      expect(lines.join('\n')).toMatch(/no demo restaurants/)
      const rows = await bare.database.executeSql(`select count(*)::int as n from bookings`)
      expect(rows.rows[0]!.n).toBe(0)
    } finally {
      await bare.dispose()
    }
  })

  it('turns a rate in bookings per minute into the tick interval (0: no steady traffic)', () => {
    expect(simulatorIntervalMs(20)).toBe(3_000)
    expect(simulatorIntervalMs(120)).toBe(500)
    expect(simulatorIntervalMs(0)).toBe(0)
  })
})
