import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import { dedicatedClient, endDedicatedClient, type DatabaseHandle } from './client.ts'

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql/migrations')

const MIGRATION_LOCK_KEY = 7_311_001

/** Applies pending migrations; a second run is a no-op. Serialised across processes on Postgres. */
export async function applyMigrations(handle: DatabaseHandle): Promise<void> {
  if (handle.driver === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder })
    return
  }
  // Several workers may start at once: a session lock on a side connection serialises them.
  // its statements are unbounded on purpose: pg_advisory_lock waits for a migration in another
  // process, however long that takes; the connect is bounded like every other
  const lockClient = dedicatedClient(handle.databaseUrl!, { applicationName: 'maitre-migrate', boundStatements: false })
  // a dead peer during a long migration must fail the migration, not end the process unheard
  lockClient.on('error', (error) => console.error('[migrate] lock connection lost:', error.message))
  try {
    await lockClient.connect()
  } catch (error) {
    await endDedicatedClient(lockClient)
    throw error
  }
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    await migratePg(handle.db as unknown as NodePgDatabase, { migrationsFolder })
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
    await endDedicatedClient(lockClient)
  }
}
