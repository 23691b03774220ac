import type { Database } from '../db/client.ts'
import { findRestaurantBySlug, listRestaurants } from '../db/queries/restaurants.ts'
import { deletePacingRule, findPacingRule, upsertPacingRule } from '../db/queries/peak-pacing.ts'
import { pacingRuleSchema, type PacingRule } from '../assignment/pacing.ts'
import { importFloor } from './floor-import.ts'
import { floorSchema, slugSchema } from './floor-schema.ts'
import { AppError } from '../errors.ts'
import type { RestaurantDirectory } from './restaurant-directory.ts'

export function createRestaurantService(db: Database, directory?: RestaurantDirectory) {
  const existing = async (slug: string) => {
    const restaurant = slugSchema.safeParse(slug).success ? await findRestaurantBySlug(db, slug) : undefined
    if (!restaurant) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${slug}"`, 404)
    return restaurant
  }
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
    /** The restaurant's peak-pacing rule (null: none); 404 for an unknown restaurant. */
    async getPacing(slug: string): Promise<PacingRule | null> {
      return findPacingRule(db, (await existing(slug)).id)
    },
    /**
     * Sets the peak-pacing rule; it takes effect only where the flag `assignment.peak_pacing` is
     * on, so a rule can be written first and ramped with the flag.
     */
    async putPacing(slug: string, body: unknown): Promise<PacingRule> {
      const restaurant = await existing(slug)
      const parsed = pacingRuleSchema.safeParse(body)
      if (!parsed.success) {
        throw new AppError('VALIDATION_FAILED', 'The pacing rule is not valid; see issues', 400, parsed.error.issues)
      }
      await upsertPacingRule(db, restaurant.id, parsed.data)
      return parsed.data
    },
    async deletePacing(slug: string): Promise<boolean> {
      return deletePacingRule(db, (await existing(slug)).id)
    },
  }
}

export type RestaurantService = ReturnType<typeof createRestaurantService>
