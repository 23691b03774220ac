import { eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { restaurants, zones, type Restaurant } from '../db/schema/restaurants.ts'

export interface DirectoryEntry {
  restaurant: Restaurant
  zoneIdByKey: Map<string, string>
  zoneKeyById: Map<string, string>
  loadedAt: number
}

/**
 * Booking intake reads the restaurant and its zones on every request; they change rarely. Entries
 * live `ttlMs` in this process, and a floor import here drops them at once (other processes see
 * it within the TTL).
 */
export function createRestaurantDirectory(db: Database, options: { ttlMs?: number; now?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? 2_000
  const now = options.now ?? Date.now
  const bySlug = new Map<string, DirectoryEntry>()
  const slugById = new Map<string, string>()

  async function load(slug: string): Promise<DirectoryEntry | undefined> {
    const [restaurant] = await db.select().from(restaurants).where(eq(restaurants.slug, slug)).limit(1)
    if (!restaurant) return undefined
    const zoneRows = await db
      .select({ id: zones.id, key: zones.key })
      .from(zones)
      .where(eq(zones.restaurantId, restaurant.id))
    const entry: DirectoryEntry = {
      restaurant,
      zoneIdByKey: new Map(zoneRows.map((zone) => [zone.key, zone.id])),
      zoneKeyById: new Map(zoneRows.map((zone) => [zone.id, zone.key])),
      loadedAt: now(),
    }
    bySlug.set(slug, entry)
    slugById.set(restaurant.id, slug)
    return entry
  }

  return {
    async bySlug(slug: string): Promise<DirectoryEntry | undefined> {
      const cached = bySlug.get(slug)
      if (cached && now() - cached.loadedAt < ttlMs) return cached
      return load(slug)
    },
    async byId(id: string): Promise<DirectoryEntry | undefined> {
      const slug = slugById.get(id)
      if (slug) {
        const entry = await this.bySlug(slug)
        if (entry?.restaurant.id === id) return entry
      }
      const [row] = await db.select({ slug: restaurants.slug }).from(restaurants).where(eq(restaurants.id, id)).limit(1)
      return row ? load(row.slug) : undefined
    },
    invalidate(slug: string) {
      bySlug.delete(slug)
    },
  }
}

export type RestaurantDirectory = ReturnType<typeof createRestaurantDirectory>
