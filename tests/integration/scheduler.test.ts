import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createScheduler } from '../../server/scheduling/scheduler.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

describe('scheduler: one runner per task across processes', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it('runs a task on the lease holder only, and hands it over when the holder stops', async () => {
    const runs: string[] = []
    const a = createScheduler({ db: engine.db, id: 'proc-a' })
    const b = createScheduler({ db: engine.db, id: 'proc-b' })
    for (const scheduler of [a, b]) {
      scheduler.every({ name: 'test.handover', intervalMs: 60_000, run: async () => void runs.push(scheduler.id) })
    }
    expect(await a.runNow('test.handover')).toBe(true)
    expect(await b.runNow('test.handover')).toBe(false)
    expect(await a.runNow('test.handover')).toBe(true)
    expect(runs).toEqual(['proc-a', 'proc-a'])

    await a.stop()
    expect(await b.runNow('test.handover')).toBe(true)
    expect(runs).toEqual(['proc-a', 'proc-a', 'proc-b'])
    const rows = await engine.db.execute(
      sql`select owner, last_run_at from scheduler_leases where name = 'test.handover'`,
    )
    const [row] = (rows as unknown as { rows: Array<{ owner: string; last_run_at: unknown }> }).rows
    expect(row?.owner).toBe('proc-b')
    expect(row?.last_run_at).not.toBeNull()
    await b.stop()
  })

  it('lets another process take over once a dead holder lease expires', async () => {
    const a = createScheduler({ db: engine.db, id: 'dead-a' })
    const b = createScheduler({ db: engine.db, id: 'live-b' })
    const task = (id: string, runs: string[]) => ({
      name: 'test.expiry',
      intervalMs: 60_000,
      leaseMs: 200,
      run: async () => void runs.push(id),
    })
    const runs: string[] = []
    a.every(task('dead-a', runs))
    b.every(task('live-b', runs))
    expect(await a.runNow('test.expiry')).toBe(true)
    // a "dies": it never renews and never releases
    expect(await b.runNow('test.expiry')).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await b.runNow('test.expiry')).toBe(true)
    expect(runs).toEqual(['dead-a', 'live-b'])
    await b.stop()
  })

  it('survives a failing task, logs once per streak and runs again on the next tick', async () => {
    const logs: string[] = []
    let fail = true
    let ok = 0
    const scheduler = createScheduler({ db: engine.db, id: 'flaky', log: (message) => logs.push(message) })
    scheduler.every({
      name: 'test.flaky',
      intervalMs: 20,
      run: async () => {
        if (fail) throw new Error('database is down')
        ok++
      },
    })
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(logs.filter((line) => line.includes('failed'))).toHaveLength(1)
    fail = false
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(ok).toBeGreaterThan(0)
    expect(logs.some((line) => line.includes('running again'))).toBe(true)
    await scheduler.stop()
  })

  it('refuses a task name registered twice and an unknown name', async () => {
    const scheduler = createScheduler({ db: engine.db, id: 'names' })
    scheduler.every({ name: 'test.once', intervalMs: 60_000, run: async () => {} })
    expect(() => scheduler.every({ name: 'test.once', intervalMs: 60_000, run: async () => {} })).toThrow(
      /registered twice/,
    )
    await expect(scheduler.runNow('test.missing')).rejects.toThrow(/No scheduled task/)
    await scheduler.stop()
  })
})
