import { z } from 'zod'
import { sqlCount, sqlNullableNumber, sqlNumber } from '../sql-values.ts'

/**
 * The fields every facts row carries (one label of one minute, hour or day of a series), as rollup
 * and raw reads return them: the zod shape declares them, `aggregateFields` parses them by hand.
 * A page reads thousands of these rows and zod takes tens of microseconds a row (each coerced
 * number is a preprocess effect): more than the statement itself. The hand parser accepts and
 * rejects exactly what the shape does (tests/unit/aggregate-row.test.ts holds them together).
 */
export const aggregateShape = {
  label: z.string(),
  count: sqlCount,
  count_a: sqlCount,
  count_b: sqlCount,
  value_sum: sqlNumber,
  value_max: sqlNullableNumber,
  hist: z.record(z.unknown()),
}
export type AggregateFields = z.infer<z.ZodObject<typeof aggregateShape>>

export type RawRow = Record<string, unknown>

const show = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value) // a bigint
  }
}

/** A bad row is a bug in a statement, not a user error: it names the file, the row and the field. */
export class RowShapeError extends Error {
  constructor(sqlFile: string, index: number, field: string, value: unknown) {
    super(`${sqlFile}.sql row ${index}: ${field} is not valid (${show(value)})`)
    this.name = 'RowShapeError'
  }
}

const invalid = Symbol('invalid')

// both drivers' number types (node-postgres: strings for bigint and numeric; PGlite: bigint)
const numberOf = (value: unknown): number | typeof invalid => {
  const n = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : invalid
}

/** A field parser per kind; each returns `invalid` where its zod counterpart would fail. */
export const fieldParsers = {
  string: (v: unknown) => (typeof v === 'string' ? v : invalid),
  count: (v: unknown) => {
    const n = numberOf(v)
    return n !== invalid && Number.isInteger(n) && n >= 0 ? n : invalid
  },
  number: numberOf,
  nullableNumber: (v: unknown) => (v === null ? null : numberOf(v)),
  timestamp: (v: unknown) => {
    const d = typeof v === 'string' ? new Date(v) : v
    return d instanceof Date && !Number.isNaN(d.getTime()) ? d : invalid
  },
  record: (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Map)
      ? (v as Record<string, unknown>)
      : invalid,
  oneOf: (values: readonly string[]) => {
    const allowed = new Set(values)
    return (v: unknown) => (typeof v === 'string' && allowed.has(v) ? v : invalid)
  },
}

/**
 * A row parser from field parsers: a new object with exactly those fields (as zod strips the
 * others), or a RowShapeError.
 */
export function rowParser<T>(sqlFile: string, fields: Record<keyof T & string, (v: unknown) => unknown>) {
  const entries = Object.entries(fields) as Array<[string, (v: unknown) => unknown]>
  return (rows: RawRow[]): T[] =>
    rows.map((row, index) => {
      const out: Record<string, unknown> = {}
      for (const [field, parse] of entries) {
        const value = parse(row[field])
        if (value === invalid) throw new RowShapeError(sqlFile, index, field, row[field])
        out[field] = value
      }
      return out as T
    })
}

/** The field parsers of aggregateShape. */
export const aggregateFields = {
  label: fieldParsers.string,
  count: fieldParsers.count,
  count_a: fieldParsers.count,
  count_b: fieldParsers.count,
  value_sum: fieldParsers.number,
  value_max: fieldParsers.nullableNumber,
  hist: fieldParsers.record,
} satisfies Record<keyof AggregateFields, (v: unknown) => unknown>
