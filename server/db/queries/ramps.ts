import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { flagRampReadings, flagRamps, type FlagRamp } from '../schema/flags.ts'
import { restaurants } from '../schema/restaurants.ts'
import { AppError, SQLSTATE, sqlState } from '../../errors.ts'
import { ACTIVE_RAMP_STATES, type RampState } from '../../flags/ramps/ramp-types.ts'

export type { FlagRamp }
export type FlagRampRow = FlagRamp & { restaurantSlug: string | null }

export type NewRamp = typeof flagRamps.$inferInsert

/**
 * Inserts a ramp. flag_ramps_one_active (a partial unique index) keeps one ramp in flight per
 * flag and scope, so two people starting a ramp at once cannot both succeed: the loser gets 409.
 */
export async function insertRamp(tx: Executor, ramp: NewRamp): Promise<FlagRamp> {
  try {
    const [row] = await tx.insert(flagRamps).values(ramp).returning()
    return row!
  } catch (error) {
    if (sqlState(error) === SQLSTATE.uniqueViolation) {
      throw new AppError(
        'RAMP_ACTIVE',
        `Flag "${ramp.flagKey}" already has a ramp in flight at this scope; pause, finish or roll it back first`,
        409,
      )
    }
    throw error
  }
}

const withSlug = { ramp: flagRamps, restaurantSlug: restaurants.slug }
const toRow = (row: { ramp: FlagRamp; restaurantSlug: string | null }): FlagRampRow => ({
  ...row.ramp,
  restaurantSlug: row.restaurantSlug,
})

export async function findRamp(db: Executor, id: string): Promise<FlagRampRow | undefined> {
  const [row] = await db
    .select(withSlug)
    .from(flagRamps)
    .leftJoin(restaurants, eq(restaurants.id, flagRamps.restaurantId))
    .where(eq(flagRamps.id, id))
  return row ? toRow(row) : undefined
}

/** Ramps of one flag (or every flag), newest first. */
export async function listRamps(db: Executor, filter: { flagKey?: string; states?: readonly RampState[] } = {}) {
  const conditions = [
    filter.flagKey ? eq(flagRamps.flagKey, filter.flagKey) : undefined,
    filter.states ? inArray(flagRamps.state, [...filter.states]) : undefined,
  ].filter((condition) => condition !== undefined)
  const rows = await db
    .select(withSlug)
    .from(flagRamps)
    .leftJoin(restaurants, eq(restaurants.id, flagRamps.restaurantId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(flagRamps.createdAt))
  return rows.map(toRow)
}

/** What the runner looks at: ramps that are scheduled or running (paused ones wait for a person). */
export async function listRampsForRunner(db: Executor) {
  const rows = await db
    .select(withSlug)
    .from(flagRamps)
    .leftJoin(restaurants, eq(restaurants.id, flagRamps.restaurantId))
    .where(
      inArray(
        flagRamps.state,
        ACTIVE_RAMP_STATES.filter((state) => state !== 'paused'),
      ),
    )
    .orderBy(asc(flagRamps.createdAt))
  return rows.map(toRow)
}

export type RampUpdate = Partial<
  Pick<
    FlagRamp,
    | 'state'
    | 'currentStage'
    | 'nextStageAt'
    | 'lastReason'
    | 'startedAt'
    | 'stageStartedAt'
    | 'pausedAt'
    | 'guardrailStatus'
    | 'history'
  >
>

/**
 * Fenced update: applies only if the ramp still has the version the caller read, and bumps it.
 * Returns null when someone else (a person, or the runner) changed the ramp in between.
 */
export async function updateRampFenced(
  tx: Executor,
  id: string,
  expectedVersion: number,
  update: RampUpdate,
): Promise<FlagRamp | null> {
  const [row] = await tx
    .update(flagRamps)
    .set({ ...update, version: sql`${flagRamps.version} + 1`, updatedAt: new Date() })
    .where(and(eq(flagRamps.id, id), eq(flagRamps.version, expectedVersion)))
    .returning()
  return row ?? null
}

export type NewReading = typeof flagRampReadings.$inferInsert

export async function insertRampReadings(db: Executor, readings: NewReading[]): Promise<void> {
  if (readings.length === 0) return
  await db.insert(flagRampReadings).values(readings)
}

/** A ramp's readings, oldest first, the most recent `limit` of them. */
export async function listRampReadings(db: Executor, rampId: string, limit = 2_000) {
  const rows = await db
    .select()
    .from(flagRampReadings)
    .where(eq(flagRampReadings.rampId, rampId))
    .orderBy(desc(flagRampReadings.at), desc(flagRampReadings.id))
    .limit(limit)
  return rows.reverse()
}
