import pg from 'pg'
import type { Executor } from './client.ts'

/**
 * A statement of the booking path, by name. On Postgres it is prepared once per pooled connection
 * and later calls skip parsing and planning (and the query builder); on PGlite it runs as is.
 */
export interface PreparedStatement {
  /** unique per statement text: Postgres keeps the first text prepared under a name */
  name: string
  text: string
}

/** What pg-boss's `db` option and our raw statements need: parameterised SQL on one executor. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount?: number | null }>
}

interface PgQueryable {
  query(config: {
    name?: string
    text: string
    values: unknown[]
  }): Promise<{ rows: unknown[]; rowCount: number | null }>
}
interface PgliteLike {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>
}

/**
 * The driver client behind a drizzle database or transaction: the pool (or PGlite itself) for the
 * database, the transaction's own connection for a transaction, so raw SQL joins that transaction.
 */
function driverClientOf(executor: Executor): unknown {
  const client = (executor as unknown as { session?: { client?: unknown } }).session?.client
  if (!client) throw new Error('This executor has no driver client; pass the engine database or a transaction on it')
  return client
}

function isNodePostgres(client: unknown): client is PgQueryable {
  // a pool, or a pool's client inside a transaction; PGlite is neither
  return client instanceof pg.Pool || client instanceof pg.Client
}

/**
 * Runs a prepared statement on the database (each call its own transaction) or inside the given
 * transaction. Raw driver rows come back: snake_case columns, timestamps as Date, bigint possibly
 * as string.
 */
export async function runPrepared<Row>(
  executor: Executor,
  statement: PreparedStatement,
  values: unknown[],
): Promise<Row[]> {
  const client = driverClientOf(executor)
  try {
    if (isNodePostgres(client))
      return (await client.query({ name: statement.name, text: statement.text, values })).rows as Row[]
    return (await (client as PgliteLike).query(statement.text, values)).rows as Row[]
  } catch (error) {
    // the same shape as the query builder's errors, so callers read SQLSTATEs the same way
    throw new Error(`Failed query ${statement.name}: ${(error as Error).message}`, { cause: error })
  }
}

/**
 * Raw parameterised SQL on the same connection as `executor`: give it to pg-boss (`{ db }` on
 * send and complete) so a job is written if and only if the caller's transaction commits.
 */
export function sqlExecutorOf(executor: Executor): SqlExecutor {
  const client = driverClientOf(executor)
  return {
    async executeSql(text, values = []) {
      if (isNodePostgres(client)) {
        const result = await client.query({ text, values })
        return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount }
      }
      const result = await (client as PgliteLike).query(text, values)
      return { rows: result.rows as Record<string, unknown>[], rowCount: result.affectedRows ?? 0 }
    },
  }
}
