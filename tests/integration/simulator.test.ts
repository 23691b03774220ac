import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoIfEmpty } from '../../server/sim/demo-seed.ts'
import { startSimulator } from '../../server/sim/simulator.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

describe('demo traffic simulator', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine()
    await seedDemoIfEmpty(engine, () => {})
  })
  afterAll(() => engine.dispose())

  it('books through the real intake path inside service hours, then keeps a steady trickle going', async () => {
    const simulator = await startSimulator(engine, { initialBookings: 40, intervalMs: 20, seed: 1 })
    expect(simulator.made.length).toBe(40)
    await new Promise((resolve) => setTimeout(resolve, 400))
    await simulator.stop()
    const rows = await engine.database.executeSql(
      `select r.slug, count(*)::int as n, count(*) filter (where b.status = 'confirmed')::int as confirmed
         from bookings b join restaurants r on r.id = b.restaurant_id group by r.slug`,
    )
    const total = rows.rows.reduce((sum, row) => sum + Number(row.n), 0)
    expect(total).toBeGreaterThan(40)
    expect(rows.rows.length).toBe(3)
    const confirmed = rows.rows.reduce((sum, row) => sum + Number(row.confirmed), 0)
    expect(confirmed / total).toBeGreaterThan(0.5)
    await engine.events.flush()
    const quotes = await engine.database.executeSql(
      `select count(*)::int as n from observability_events where event_type = 'auto_assign.quote'`,
    )
    expect(quotes.rows[0]!.n).toBeGreaterThanOrEqual(40)
  })
})
