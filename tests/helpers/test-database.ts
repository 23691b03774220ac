import crypto from 'node:crypto'
import pg from 'pg'

/**
 * Each test file gets a fresh database: PGlite in memory by default, or, when DATABASE_URL is set
 * (CI's Postgres run), a new database created on that server and dropped afterwards.
 */
export async function createFreshDatabaseUrl(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL
  if (!adminUrl) return { url: undefined, drop: async () => {} }
  const name = `maitre_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}
