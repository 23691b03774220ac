import { and, asc, desc, eq, gte, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { alertRules, alertTransitions, type AlertRuleRow } from '../schema/alerts.ts'
import { auditLog } from '../schema/auth.ts'
import type { AlertRuleDefinition } from '../../alerts/rules.ts'

/** Inserts the seeded rules that do not exist yet; never overwrites what people changed. */
export async function seedAlertRules(db: Executor, rules: AlertRuleDefinition[]): Promise<void> {
  if (rules.length === 0) return
  await db
    .insert(alertRules)
    .values(rules.map((r) => ({ ...r, updatedBy: 'seed' })))
    .onConflictDoNothing({ target: alertRules.key })
}

export async function listAlertRules(db: Executor): Promise<AlertRuleRow[]> {
  return db.select().from(alertRules).orderBy(asc(alertRules.severity), asc(alertRules.key))
}

export async function findAlertRule(db: Executor, key: string): Promise<AlertRuleRow | undefined> {
  const [row] = await db.select().from(alertRules).where(eq(alertRules.key, key))
  return row
}

/**
 * Stores one evaluation. Fenced on the state it was decided from: if another evaluator (or a
 * person disabling the rule) changed it meanwhile, nothing is written and false is returned, so a
 * transition is recorded (and notified) once.
 */
export async function recordEvaluation(
  db: Executor,
  input: {
    key: string
    fromState: string
    state: string
    since: Date | null
    value: number | null
    baseline: number | null
    sampleSize: number
    at: Date
    transition: { to: string; threshold: number | null } | null
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(alertRules)
      .set({
        state: input.state as AlertRuleRow['state'],
        since: input.since,
        value: input.value,
        baseline: input.baseline,
        sampleSize: input.sampleSize,
        evaluatedAt: input.at,
        // an acknowledgement is for one firing: it ends with it
        ...(input.transition?.to === 'resolved' ? { ackedAt: null, ackedBy: null } : {}),
      })
      .where(and(eq(alertRules.key, input.key), eq(alertRules.state, input.fromState as AlertRuleRow['state'])))
      .returning({ key: alertRules.key })
    if (updated.length === 0) return false
    if (input.transition) {
      await tx.insert(alertTransitions).values({
        key: input.key,
        fromState: input.fromState,
        toState: input.transition.to,
        at: input.at,
        value: input.value,
        threshold: input.transition.threshold,
      })
    }
    return true
  })
}

export async function listAlertTransitions(db: Executor, filter: { since?: Date; key?: string; limit: number }) {
  const conditions = []
  if (filter.since) conditions.push(gte(alertTransitions.at, filter.since))
  if (filter.key) conditions.push(eq(alertTransitions.key, filter.key))
  return db
    .select()
    .from(alertTransitions)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(alertTransitions.at), desc(alertTransitions.id))
    .limit(filter.limit)
}

export type AlertRulePatch = Partial<
  Pick<AlertRuleRow, 'enabled' | 'threshold' | 'forMinutes' | 'ackedAt' | 'ackedBy' | 'silencedUntil'>
>

/** Changes a rule and writes the audit entry in the same transaction. */
export async function updateAlertRule(
  db: Executor,
  input: { key: string; patch: AlertRulePatch; actor: string; actorUserId?: string | null; action: string },
): Promise<AlertRuleRow | undefined> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(alertRules).where(eq(alertRules.key, input.key)).for('update')
    if (!before) return undefined
    const [after] = await tx
      .update(alertRules)
      .set({ ...input.patch, updatedAt: sql`now()`, updatedBy: input.actor })
      .where(eq(alertRules.key, input.key))
      .returning()
    const pick = (row: AlertRuleRow) =>
      Object.fromEntries(Object.keys(input.patch).map((k) => [k, row[k as keyof AlertRuleRow]]))
    await tx.insert(auditLog).values({
      actorUserId: input.actorUserId ?? null,
      actor: input.actor,
      action: input.action,
      entityType: 'alert_rule',
      entityId: input.key,
      details: { before: pick(before), after: pick(after!) },
    })
    return after
  })
}
