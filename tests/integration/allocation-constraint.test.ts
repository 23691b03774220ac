import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { tableAllocations } from '../../server/db/schema/allocations.ts'
import { listTables } from '../../server/db/queries/restaurants.ts'
import { applyMigrations } from '../../server/db/migrate.ts'
import { importFloor } from '../../server/restaurants/floor-import.ts'
import { floorSchema } from '../../server/restaurants/floor-schema.ts'
import { sqlState } from '../../server/errors.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { smallFloor } from '../helpers/floors.ts'

const at = (hhmm: string) => new Date(`2031-06-01T${hhmm}:00Z`)

describe(`table_allocations exclusion constraint (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let engine: TestEngine
  let restaurantId: string
  let tableId: string
  let otherTableId: string

  beforeAll(async () => {
    engine = await createTestEngine()
    const imported = await importFloor(engine.db, 'constraint-test', floorSchema.parse(smallFloor()))
    restaurantId = imported.id
    const tables = await listTables(engine.db, restaurantId)
    tableId = tables.find((t) => t.key === 'T1')!.id
    otherTableId = tables.find((t) => t.key === 'T2')!.id
  })
  afterAll(() => engine.dispose())

  const allocate = (table: string, start: string, end: string) =>
    engine.db
      .insert(tableAllocations)
      .values({ restaurantId, tableId: table, kind: 'assignment', window: { start: at(start), end: at(end) } })
      .returning()

  it('reports which driver it runs on', () => {
    expect(engine.database.driver).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite')
  })

  it('accepts touching windows [19:00,21:00) then [21:00,23:00)', async () => {
    await allocate(tableId, '19:00', '21:00')
    await expect(allocate(tableId, '21:00', '23:00')).resolves.toHaveLength(1)
  })

  it('rejects an overlapping live allocation of the same table with SQLSTATE 23P01', async () => {
    const error = await allocate(tableId, '20:59', '21:30').catch((e: unknown) => e)
    expect(sqlState(error)).toBe('23P01')
  })

  it('rejects even a 1 ms overlap', async () => {
    const error = await engine.db
      .insert(tableAllocations)
      .values({
        restaurantId,
        tableId,
        kind: 'assignment',
        window: { start: new Date(at('23:00').getTime() - 1), end: at('23:30') },
      })
      .catch((e: unknown) => e)
    expect(sqlState(error)).toBe('23P01')
  })

  it('allows the same window on another table', async () => {
    await expect(allocate(otherTableId, '19:00', '21:00')).resolves.toHaveLength(1)
  })

  it('ignores released allocations', async () => {
    const [row] = await allocate(otherTableId, '12:00', '13:00')
    await engine.db.update(tableAllocations).set({ releasedAt: new Date() }).where(eq(tableAllocations.id, row!.id))
    await expect(allocate(otherTableId, '12:30', '13:30')).resolves.toHaveLength(1)
  })

  it('requires an expiry on holds and a non-empty window', async () => {
    const holdWithoutExpiry = await engine.db
      .insert(tableAllocations)
      .values({ restaurantId, tableId, kind: 'hold', window: { start: at('08:00'), end: at('09:00') } })
      .catch((e: unknown) => e)
    expect(sqlState(holdWithoutExpiry)).toBe('23514')
    const empty = await allocate(tableId, '08:00', '08:00').catch((e: unknown) => e)
    expect(sqlState(empty)).toBe('23514')
  })

  it('round-trips the window as a half-open range', async () => {
    const [row] = await allocate(tableId, '06:00', '07:00')
    const [read] = await engine.db.select().from(tableAllocations).where(eq(tableAllocations.id, row!.id))
    expect(read!.window.start.toISOString()).toBe(at('06:00').toISOString())
    expect(read!.window.end.toISOString()).toBe(at('07:00').toISOString())
  })

  it('applying migrations again is a no-op', async () => {
    const before = await engine.database.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations')
    await applyMigrations(engine.database)
    const after = await engine.database.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations')
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n)
    expect(Number(before.rows[0]!.n)).toBeGreaterThanOrEqual(2)
  })
})
