import { PGlite } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import type { ExtractTablesWithRelations } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import * as schema from './schema.ts'

export type Schema = typeof schema
export type Database = PgDatabase<PgQueryResultHKT, Schema>
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
/** Query functions take this first: the database or a transaction on it. */
export type Executor = Database | Transaction

export interface SqlResult {
  rows: Record<string, unknown>[]
  rowCount?: number | null
}

export interface DatabaseHandle {
  driver: 'pglite' | 'postgres'
  /** set for the postgres driver */
  databaseUrl?: string
  db: Database
  /** Raw SQL for pg-boss and analytics: parameterised, or multi-statement text without parameters. */
  executeSql(text: string, values?: unknown[]): Promise<SqlResult>
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** postgres://… ; when absent PGlite is used */
  databaseUrl?: string | undefined
  /** PGlite data directory; absent means in memory */
  dataDir?: string | undefined
  poolSize?: number
  /** Postgres only; defaults in DEFAULT_DATABASE_TIMEOUTS */
  timeouts?: Partial<DatabaseTimeouts>
}

/**
 * Every statement and connection is bounded, so a database that stalls (no answer, no reset) turns
 * into errors within seconds instead of requests and workers that hang. Postgres only: PGlite runs
 * in this process, with no network and no other sessions, so only its statement timeout would
 * apply, and a runaway statement there blocks the one connection whatever we set (see ADR 013).
 */
export interface DatabaseTimeouts {
  /** opening a connection (TCP + TLS + auth) */
  connectMs: number
  /** server side: Postgres cancels a statement that runs longer (statement_timeout) */
  statementMs: number
  /** client side: a query with no answer this long fails and its connection is dropped; covers a silent network stall, which statement_timeout cannot see */
  queryMs: number
  /** server side: a session idle inside an open transaction this long is ended, releasing its locks */
  idleInTransactionMs: number
  /** server side: waiting for a row or table lock */
  lockMs: number
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 5_000,
  statementMs: 15_000,
  queryMs: 20_000,
  idleInTransactionMs: 30_000,
  lockMs: 10_000,
}

/** How long closing the pool may wait for connections still in use. */
const POOL_END_WAIT_MS = 5_000

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl)
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, {
      ...DEFAULT_DATABASE_TIMEOUTS,
      ...options.timeouts,
    })
  return openPglite(options.dataDir)
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const client = await PGlite.create(dataDir ?? 'memory://', { extensions: { btree_gist } })
  const db = drizzlePglite(client, { schema }) as unknown as Database
  let closed = false
  return {
    driver: 'pglite',
    db,
    async executeSql(text, values) {
      if ((!values || values.length === 0) && hasSeveralStatements(text)) {
        const results = await client.exec(text)
        const last = results[results.length - 1]
        return { rows: (last?.rows ?? []) as Record<string, unknown>[], rowCount: last?.affectedRows ?? 0 }
      }
      const result = await client.query(text, values as unknown[] | undefined)
      return { rows: result.rows as Record<string, unknown>[], rowCount: result.affectedRows ?? 0 }
    },
    async close() {
      if (closed) return
      closed = true
      await client.close()
    },
  }
}

/** A bounded node-postgres pool (see DatabaseTimeouts): the engine's, or a side pool of its own. */
function createPool(databaseUrl: string, poolSize: number, timeouts: DatabaseTimeouts, applicationName: string) {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    application_name: applicationName,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    lock_timeout: timeouts.lockMs,
    // dead peers are noticed by the kernel even while a connection sits idle in the pool
    keepAlive: true,
    idleTimeoutMillis: 10_000,
  })
  // An idle client's error (e.g. server restart) must not crash the process; the next query reconnects.
  pool.on('error', (error) => console.error('[db] idle client error:', error.message))
  // A checked-out client (inside a transaction, between two statements) whose socket dies emits
  // 'error' with no listener of the pool's attached: unheard, Node would end the process. The
  // statement that uses it next fails instead, and pg-pool drops it on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => console.error('[db] connection lost:', error.message))
  })
  return pool
}

/**
 * Ends a pool, but returns after a bounded wait: pool.end() waits for every checked-out client,
 * and after an outage one may sit on a dead socket until its query timeout (at most queryMs); the
 * straggler ends by itself when its query times out.
 */
async function endPool(pool: pg.Pool): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const ended = await Promise.race([
    pool.end().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), POOL_END_WAIT_MS)
      timer.unref()
    }),
  ])
  clearTimeout(timer)
  if (!ended) console.error(`[db] the pool did not end within ${POOL_END_WAIT_MS} ms; leaving its connections`)
}

async function openPostgres(
  databaseUrl: string,
  poolSize: number,
  timeouts: DatabaseTimeouts,
): Promise<DatabaseHandle> {
  const pool = createPool(databaseUrl, poolSize, timeouts, 'maitre')
  const db = drizzlePg(pool, { schema }) as unknown as Database
  let closed = false
  return {
    driver: 'postgres',
    databaseUrl,
    db,
    async executeSql(text, values) {
      const result = await pool.query(text, values as unknown[] | undefined)
      const last = Array.isArray(result) ? result[result.length - 1] : result
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 }
    },
    async close() {
      if (closed) return
      closed = true
      await endPool(pool)
    },
  }
}

export interface SideDatabase {
  db: Database
  close(): Promise<void>
}

/**
 * A small pool of its own on the same database, for work that must not queue behind the engine's
 * pool (the V3 coordinator under an intake burst: a run is several round trips in a row, and each
 * one waited behind every intake statement queued for the ten shared connections; ADR 017). Same
 * bounds as the engine's pool. On PGlite (one connection by nature) it is the engine's database.
 */
export function openSideDatabase(
  handle: DatabaseHandle,
  options: { poolSize: number; applicationName: string; timeouts?: Partial<DatabaseTimeouts> },
): SideDatabase {
  if (handle.driver !== 'postgres' || !handle.databaseUrl) return { db: handle.db, close: async () => {} }
  const pool = createPool(
    handle.databaseUrl,
    options.poolSize,
    { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts },
    options.applicationName,
  )
  let closed = false
  return {
    db: drizzlePg(pool, { schema }) as unknown as Database,
    async close() {
      if (closed) return
      closed = true
      await endPool(pool)
    },
  }
}

export interface DedicatedClientOptions {
  /** shows in pg_stat_activity, so an operator can tell the sessions apart */
  applicationName: string
  /** the pool's bounds by default; a session that waits on purpose (a migration lock) lifts the statement bounds */
  timeouts?: Partial<DatabaseTimeouts>
  /** false for a session whose statements may wait as long as they must (pg_advisory_lock) */
  boundStatements?: boolean
}

/**
 * A connection outside the pool, for what needs its own session: advisory locks, LISTEN, the
 * migration lock. It gets the pool's bounds (docs/decisions/013): a connect that cannot finish and
 * a query with no answer fail instead of hanging, and keep-alive notices a dead peer while it idles.
 * The caller connects it and must end it with endDedicatedClient.
 */
export function dedicatedClient(databaseUrl: string, options: DedicatedClientOptions): pg.Client {
  const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts }
  const bounded = options.boundStatements ?? true
  return new pg.Client({
    connectionString: databaseUrl,
    application_name: options.applicationName,
    connectionTimeoutMillis: timeouts.connectMs,
    keepAlive: true,
    // server side too: when this process vanishes or its network stalls, Postgres ends the session
    // within ~25 s, and with it what the session holds (advisory locks, LISTEN), instead of after
    // the kernel's default of about two hours
    options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
    ...(bounded
      ? {
          statement_timeout: timeouts.statementMs,
          query_timeout: timeouts.queryMs,
          lock_timeout: timeouts.lockMs,
          idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
        }
      : {}),
  })
}

/** How long ending a dedicated client may take before we let it go. */
export const DEDICATED_END_WAIT_MS = 2_000

/**
 * Ends a dedicated client, but never waits longer than `waitMs`: a client on a stalled socket may
 * never finish its goodbye, and shutdown must not wait for TCP to give up. A late socket error on
 * the abandoned client is swallowed, so it cannot end the process.
 */
export async function endDedicatedClient(client: pg.Client, waitMs = DEDICATED_END_WAIT_MS): Promise<void> {
  client.removeAllListeners('error')
  client.on('error', () => {})
  let timer: NodeJS.Timeout | undefined
  const ended = await Promise.race([
    client.end().then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs)
      timer.unref()
    }),
  ])
  clearTimeout(timer)
  // still not ended (a stalled socket): destroy the socket, so neither this process's event loop
  // nor the server's session waits on it any longer
  if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
}

function hasSeveralStatements(text: string): boolean {
  const trimmed = text.trim().replace(/;\s*$/, '')
  return trimmed.includes(';')
}
