import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

const analyticsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql/analytics')
const cache = new Map<string, string>()

/** The text of sql/analytics/<name>.sql, read once. */
export function analyticsSql(name: string): string {
  let text = cache.get(name)
  if (text === undefined) {
    text = fs.readFileSync(path.join(analyticsDir, `${name}.sql`), 'utf8')
    cache.set(name, text)
  }
  return text
}

// Drivers disagree on types: node-postgres returns bigint/numeric as strings, PGlite may return
// bigint; these coerce without turning null into 0 (z.coerce.number would).
const toNumber = (value: unknown) => (typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value)

export const sqlNumber = z.preprocess(toNumber, z.number().finite())
export const sqlNullableNumber = z.preprocess(toNumber, z.number().finite().nullable())
export const sqlCount = z.preprocess(toNumber, z.number().int().nonnegative())
export const sqlNullableTimestamp = z.preprocess(
  (value) => (typeof value === 'string' ? new Date(value) : value),
  z.date().nullable(),
)
