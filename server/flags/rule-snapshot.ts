import type { Database } from '../db/client.ts'
import { listAllRules, type FlagRuleRow } from '../db/queries/flags.ts'
import type { FlagValue } from './definitions.ts'
import type { RuleSnapshot } from './evaluate.ts'

export interface RuleSnapshotStore {
  /** the global and (when given) the restaurant's rule of a flag */
  rulesFor(flagKey: string, restaurantId?: string | null): { global?: RuleSnapshot; restaurant?: RuleSnapshot }
  /** every rule row as last loaded (pages and the API list them) */
  rows(): readonly FlagRuleRow[]
  /** reloads from the database; concurrent calls share one query; keeps the last snapshot on failure */
  refresh(): Promise<void>
  /** when the snapshot was last loaded */
  loadedAt(): Date | null
}

const restaurantKey = (flagKey: string, restaurantId: string) => `${flagKey}|${restaurantId}`

/**
 * An in-memory copy of flag_rules, so a flag read on the booking path costs no query. Reloads
 * are whole (the table holds one row per flag and scope: hundreds, not millions).
 */
export function createRuleSnapshotStore(db: Database, log = (m: string) => console.error(m)): RuleSnapshotStore {
  let global = new Map<string, RuleSnapshot>()
  let byRestaurant = new Map<string, RuleSnapshot>()
  let allRows: FlagRuleRow[] = []
  let loadedAt: Date | null = null
  let refreshing: Promise<void> | undefined
  let again = false
  let failing = false

  async function load(): Promise<void> {
    const rows = await listAllRules(db)
    const nextGlobal = new Map<string, RuleSnapshot>()
    const nextByRestaurant = new Map<string, RuleSnapshot>()
    for (const row of rows) {
      const rule = { enabled: row.enabled, rolloutPercent: row.rolloutPercent, value: row.value as FlagValue | null }
      if (row.restaurantId) nextByRestaurant.set(restaurantKey(row.flagKey, row.restaurantId), rule)
      else nextGlobal.set(row.flagKey, rule)
    }
    global = nextGlobal
    byRestaurant = nextByRestaurant
    allRows = rows
    loadedAt = new Date()
  }

  function refresh(): Promise<void> {
    if (refreshing) {
      // a change notified while a load is in flight may have missed it: load once more after it
      again = true
      return refreshing
    }
    refreshing = (async () => {
      try {
        do {
          again = false
          await load()
        } while (again)
        if (failing) log('[flags] rule refresh works again')
        failing = false
      } catch (error) {
        // keep serving the last snapshot; the next tick retries
        if (!failing) log(`[flags] rule refresh failed, serving the last snapshot: ${(error as Error).message}`)
        failing = true
      } finally {
        refreshing = undefined
      }
    })()
    return refreshing
  }

  return {
    rulesFor(flagKey, restaurantId) {
      return {
        global: global.get(flagKey),
        restaurant: restaurantId ? byRestaurant.get(restaurantKey(flagKey, restaurantId)) : undefined,
      }
    },
    rows: () => allRows,
    refresh,
    loadedAt: () => loadedAt,
  }
}
