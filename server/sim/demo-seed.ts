import { sql } from 'drizzle-orm'
import { createUser, ensureRolesAndPermissions } from '../auth/auth-service.ts'
import type { Engine } from '../engine.ts'
import { floorSchema } from '../restaurants/floor-schema.ts'
import { importFloor } from '../restaurants/floor-import.ts'
import { restaurants } from '../db/schema/restaurants.ts'
import { DEMO_RESTAURANTS } from './demo-floors.ts'

export const DEMO_PASSWORD = 'demo-password'
export const DEMO_USERS = [
  { email: 'ops@demo.maitre', name: 'Olivia Ops', roles: ['ops'] },
  { email: 'staff@demo.maitre', name: 'Sam Staff', roles: ['staff'] },
  { email: 'engineer@demo.maitre', name: 'Erin Engineer', roles: ['engineer'] },
  { email: 'admin@demo.maitre', name: 'Ada Admin', roles: ['admin'] },
]

/** Seeds the demo restaurants and users, but only into an empty database. */
export async function seedDemoIfEmpty(engine: Engine, log: (line: string) => void): Promise<boolean> {
  await ensureRolesAndPermissions(engine.db)
  const [row] = await engine.db.select({ count: sql<number>`count(*)::int` }).from(restaurants)
  if ((row?.count ?? 0) > 0) {
    log('Demo mode: database already has data, not seeding')
    return false
  }
  for (const restaurant of DEMO_RESTAURANTS) {
    await importFloor(engine.db, restaurant.slug, floorSchema.parse(restaurant.floor()))
  }
  for (const user of DEMO_USERS) await createUser(engine.db, { ...user, password: DEMO_PASSWORD })
  // the logins are part of the start-up banner, printed once the server listens
  log(`Demo mode: seeded ${DEMO_RESTAURANTS.length} restaurants and ${DEMO_USERS.length} users`)
  return true
}
