// The one place drizzle and drizzle-kit see the whole schema; each aggregate keeps its own module.
export * from './schema/restaurants.ts'
export * from './schema/bookings.ts'
export * from './schema/allocations.ts'
export * from './schema/assignment.ts'
export * from './schema/observability.ts'
export * from './schema/flags.ts'
export * from './schema/outbox.ts'
export * from './schema/auth.ts'
