import type { Database } from '../db/client.ts'
import { findRestaurantBySlug, listRestaurants } from '../db/queries/restaurants.ts'
import { importFloor } from './floor-import.ts'
import { floorSchema, slugSchema } from './floor-schema.ts'
import { AppError } from '../errors.ts'
import type { RestaurantDirectory } from './restaurant-directory.ts'

export function createRestaurantService(db: Database, directory?: RestaurantDirectory) {
  return {
    list: () => listRestaurants(db),
    findBySlug: (slug: string) => findRestaurantBySlug(db, slug),
    /** Validates and imports a floor; throws AppError 400 with issues on bad input. */
    async putFloor(slug: string, body: unknown) {
      const parsedSlug = slugSchema.safeParse(slug)
      if (!parsedSlug.success) {
        throw new AppError('VALIDATION_FAILED', 'The restaurant slug is not valid', 400, parsedSlug.error.issues)
      }
      const parsed = floorSchema.safeParse(body)
      if (!parsed.success) {
        throw new AppError('VALIDATION_FAILED', 'The floor is not valid; see issues', 400, parsed.error.issues)
      }
      const imported = await importFloor(db, parsedSlug.data, parsed.data)
      directory?.invalidate(parsedSlug.data)
      return imported
    },
  }
}

export type RestaurantService = ReturnType<typeof createRestaurantService>
