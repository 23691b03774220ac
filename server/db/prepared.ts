import type { Database } from './client.ts'

/**
 * A statement of the booking path, by name. On Postgres it is prepared once per pooled connection
 * and later calls skip parsing and planning (and the query builder); on PGlite it runs as is.
 */
export interface PreparedStatement {
  /** unique per statement text: Postgres keeps the first text prepared under a name */
  name: string
  text: string
}

interface PgPoolLike {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>
}
interface PgliteLike {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>
}

/**
 * Runs a prepared statement outside any transaction (each call is its own). Raw driver rows come
 * back: snake_case columns, timestamps as Date, bigint possibly as string.
 */
export async function runPrepared<Row>(db: Database, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const client = (db as unknown as { $client?: unknown }).$client
  if (!client) throw new Error(`runPrepared(${statement.name}) needs the database itself, not a transaction`)
  try {
    if (isPgPool(client))
      return (await client.query({ name: statement.name, text: statement.text, values })).rows as Row[]
    return (await (client as PgliteLike).query(statement.text, values)).rows as Row[]
  } catch (error) {
    // the same shape as the query builder's errors, so callers read SQLSTATEs the same way
    throw new Error(`Failed query ${statement.name}: ${(error as Error).message}`, { cause: error })
  }
}

function isPgPool(client: unknown): client is PgPoolLike {
  // node-postgres pools count their clients; PGlite has no such field
  return typeof (client as { totalCount?: unknown }).totalCount === 'number'
}
