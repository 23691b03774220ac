import { z } from 'zod'
import type { DatabaseHandle } from '../db/client.ts'
import { analyticsSql } from './sql-values.ts'

export type SqlRunner = Pick<DatabaseHandle, 'executeSql'>

export interface AnalyticsQueryDefinition<P extends z.ZodTypeAny, R extends z.ZodTypeAny> {
  /** sql/analytics/<sqlFile>.sql */
  sqlFile: string
  /** a facts file put in place of the template's `/*facts*\/` marker (rollup and raw reads) */
  factsFile?: string
  params: P
  row: R
  /** the positional values, in the order of the SQL file's header */
  values(params: z.output<P>): unknown[]
  /**
   * Reads that return thousands of rows (rollups, raw facts) parse them by hand instead of with
   * `row`, accepting exactly what `row` accepts (queries/aggregate-row.ts): zod costs more than
   * the statement there.
   */
  parseRows?(rows: Array<Record<string, unknown>>): Array<z.output<R>>
}

export interface AnalyticsQuery<P extends z.ZodTypeAny, R extends z.ZodTypeAny> {
  sqlFile: string
  factsFile?: string
  run(database: SqlRunner, input: z.input<P>): Promise<Array<z.output<R>>>
  /** for statements that write: the number of rows they touched */
  execute(database: SqlRunner, input: z.input<P>): Promise<number>
}

/**
 * One named query of sql/analytics: params parsed by zod before they reach SQL (a bad window is a
 * 400, not a database error), rows parsed by zod after (both drivers' number types coerced), or
 * by the definition's own parseRows where rows are many.
 */
export function defineAnalyticsQuery<P extends z.ZodTypeAny, R extends z.ZodTypeAny>(
  definition: AnalyticsQueryDefinition<P, R>,
): AnalyticsQuery<P, R> {
  const rows = z.array(definition.row)
  let text: string | undefined
  const sqlText = () => {
    text ??= definition.factsFile
      ? analyticsSql(definition.sqlFile).replace('/*facts*/', analyticsSql(definition.factsFile))
      : analyticsSql(definition.sqlFile)
    return text
  }
  return {
    sqlFile: definition.sqlFile,
    factsFile: definition.factsFile,
    async run(database, input) {
      const params = definition.params.parse(input) as z.output<P>
      const result = await database.executeSql(sqlText(), definition.values(params))
      return definition.parseRows ? definition.parseRows(result.rows) : rows.parse(result.rows)
    },
    async execute(database, input) {
      const params = definition.params.parse(input) as z.output<P>
      const result = await database.executeSql(sqlText(), definition.values(params))
      return result.rowCount ?? 0
    },
  }
}
