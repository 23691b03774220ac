import { customType, timestamp, uuid } from 'drizzle-orm/pg-core'

/** A half-open [start, end) time window stored as Postgres tstzrange. */
export interface TimeWindow {
  start: Date
  end: Date
}

export const tstzrange = customType<{ data: TimeWindow; driverData: string }>({
  dataType() {
    return 'tstzrange'
  },
  toDriver(value) {
    return `[${value.start.toISOString()},${value.end.toISOString()})`
  },
  fromDriver(value) {
    const match = /^[[(]"?([^",]+)"?,"?([^",)\]]+)"?[)\]]$/.exec(value)
    if (!match) throw new Error(`Unexpected tstzrange literal: ${value}`)
    return { start: new Date(match[1]!), end: new Date(match[2]!) }
  },
})

export const id = () => uuid('id').primaryKey().defaultRandom()

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
