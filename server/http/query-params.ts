import { z } from 'zod'
import type { Engine } from '../engine.ts'
import { AppError } from '../errors.ts'

/** An ISO-8601 instant with an offset (or Z), as every time in the API. */
export const isoInstant = z
  .string()
  .datetime({ offset: true })
  .transform((value) => new Date(value))

export function parseQuery<T extends z.ZodTypeAny>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query)
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', 'The query is not valid; see issues', 400, parsed.error.issues)
  return parsed.data
}

/** A restaurant slug from the query as its id; absent: null (every restaurant). Unknown: 404. */
export async function restaurantIdOf(engine: Engine, slug: string | undefined): Promise<string | null> {
  if (!slug) return null
  const restaurant = await engine.restaurants.findBySlug(slug)
  if (!restaurant) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${slug}"`, 404)
  return restaurant.id
}
