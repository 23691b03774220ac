import type { Database } from '../db/client.ts'
import {
  findAlertRule,
  listAlertRules,
  listAlertTransitions,
  recordEvaluation,
  seedAlertRules,
  updateAlertRule,
  type AlertRulePatch,
} from '../db/queries/alerts.ts'
import type { AlertRuleRow } from '../db/schema/alerts.ts'
import { AppError, notFound } from '../errors.ts'
import type { MetricReader } from '../analytics/metric-reader.ts'
import type { EventRecorder } from '../observability/event-recorder.ts'
import { ANALYTICS_EVENTS } from '../analytics/series.ts'
import { compare, decideAlert, relativeThreshold } from './decide.ts'
import type { AlertNotifier } from './notifier.ts'
import { SEEDED_RULES, type AlertState } from './rules.ts'

export interface AlertView {
  key: string
  description: string
  severity: 'P1' | 'P2' | 'P3'
  metric: string
  reason: string | null
  comparator: string
  /** the absolute threshold, or for a relative rule the one of the last evaluation */
  threshold: number | null
  relativeTo: 'baseline' | null
  maxDeltaPct: number | null
  windowMinutes: number
  forMinutes: number
  minSample: number
  enabled: boolean
  state: AlertState
  since: string | null
  value: number | null
  baseline: number | null
  sampleSize: number | null
  evaluatedAt: string | null
  ackedAt: string | null
  ackedBy: string | null
  silencedUntil: string | null
}

export interface AlertServiceDeps {
  db: Database
  reader: MetricReader
  /** metrics whose value is a count over the window: a baseline over a longer time is scaled down */
  isCountMetric: (metric: string) => boolean
  events: Pick<EventRecorder, 'record'>
  notifier: AlertNotifier
}

export interface EvaluationReport {
  evaluated: number
  transitions: Array<{ key: string; from: AlertState; to: string; value: number | null }>
}

/** Alert rules as data, evaluated on the scheduler ('alerts.evaluate'); see decide.ts for the states. */
export function createAlertService(deps: AlertServiceDeps) {
  function view(row: AlertRuleRow): AlertView {
    const threshold =
      row.relativeTo === 'baseline'
        ? row.baseline === null || row.maxDeltaPct === null
          ? null
          : relativeThreshold(row.baseline, row.comparator, row.maxDeltaPct)
        : row.threshold
    return {
      key: row.key,
      description: row.description,
      severity: row.severity,
      metric: row.metric,
      reason: row.reason,
      comparator: row.comparator,
      threshold,
      relativeTo: row.relativeTo,
      maxDeltaPct: row.maxDeltaPct,
      windowMinutes: row.windowMinutes,
      forMinutes: row.forMinutes,
      minSample: row.minSample,
      enabled: row.enabled,
      state: row.state,
      since: row.since?.toISOString() ?? null,
      value: row.value,
      baseline: row.baseline,
      sampleSize: row.sampleSize,
      evaluatedAt: row.evaluatedAt?.toISOString() ?? null,
      ackedAt: row.ackedAt?.toISOString() ?? null,
      ackedBy: row.ackedBy,
      silencedUntil: row.silencedUntil?.toISOString() ?? null,
    }
  }

  async function measure(rule: AlertRuleRow, now: Date) {
    const windowMs = rule.windowMinutes * 60_000
    const from = new Date(now.getTime() - windowMs)
    const reading = await deps.reader.read(rule.metric, { from, to: now, reason: rule.reason ?? undefined })
    let threshold = rule.threshold
    let baseline: number | null = null
    if (rule.relativeTo === 'baseline') {
      const base = await deps.reader.read(rule.metric, {
        from: new Date(from.getTime() - rule.baselineMinutes * 60_000),
        to: from,
        reason: rule.reason ?? undefined,
      })
      // no observation before the window (a fresh install, a new restaurant) is no baseline: a
      // rule relative to it cannot say what "50% above normal" is, so it waits for data
      baseline =
        base.value === null || base.sampleSize === 0
          ? null
          : deps.isCountMetric(rule.metric)
            ? (base.value * rule.windowMinutes) / rule.baselineMinutes
            : base.value
      threshold = baseline === null ? null : relativeThreshold(baseline, rule.comparator, rule.maxDeltaPct ?? 0)
    }
    const breached =
      reading.value !== null &&
      threshold !== null &&
      reading.sampleSize >= rule.minSample &&
      compare(reading.value, rule.comparator, threshold)
    return { ...reading, threshold, baseline, breached }
  }

  return {
    async seed(): Promise<void> {
      await seedAlertRules(deps.db, SEEDED_RULES)
    },

    async list(): Promise<AlertView[]> {
      return (await listAlertRules(deps.db)).map(view)
    },

    async history(filter: { since?: Date; key?: string; limit?: number } = {}) {
      const rows = await listAlertTransitions(deps.db, { ...filter, limit: filter.limit ?? 500 })
      return rows.map((r) => ({
        key: r.key,
        from: r.fromState,
        to: r.toState,
        at: r.at.toISOString(),
        value: r.value,
        threshold: r.threshold,
      }))
    },

    /** One pass over every rule at `now`; a rule that cannot be read is skipped and logged, not fatal. */
    async evaluate(now: Date): Promise<EvaluationReport> {
      const report: EvaluationReport = { evaluated: 0, transitions: [] }
      for (const rule of await listAlertRules(deps.db)) {
        let m: Awaited<ReturnType<typeof measure>>
        if (!rule.enabled) {
          if (rule.state === 'ok') continue
          m = {
            value: rule.value,
            sampleSize: rule.sampleSize ?? 0,
            threshold: rule.threshold,
            baseline: rule.baseline,
            breached: false,
          }
        } else {
          try {
            m = await measure(rule, now)
          } catch (error) {
            console.error(`[alerts] ${rule.key}: could not read ${rule.metric}: ${(error as Error).message}`)
            continue
          }
        }
        report.evaluated++
        const decision = decideAlert({ state: rule.state, since: rule.since }, m.breached, rule.forMinutes, now)
        const stored = await recordEvaluation(deps.db, {
          key: rule.key,
          fromState: rule.state,
          state: decision.state,
          since: decision.since,
          value: m.value,
          baseline: m.baseline,
          sampleSize: m.sampleSize,
          at: now,
          transition: decision.transition ? { to: decision.transition, threshold: m.threshold } : null,
        })
        if (!stored || !decision.transition) continue
        report.transitions.push({ key: rule.key, from: rule.state, to: decision.transition, value: m.value })
        const notice = {
          key: rule.key,
          description: rule.description,
          severity: rule.severity,
          metric: rule.metric,
          from: rule.state,
          to: decision.transition,
          at: now.toISOString(),
          value: m.value,
          threshold: m.threshold,
        }
        if (decision.transition === 'firing' || decision.transition === 'resolved') {
          deps.events.record({
            type: decision.transition === 'firing' ? ANALYTICS_EVENTS.alertFiring : ANALYTICS_EVENTS.alertResolved,
            source: 'alerts',
            severity: decision.transition === 'firing' ? (rule.severity === 'P1' ? 'error' : 'warning') : 'info',
            occurredAt: now,
            context: { ...notice },
          })
        }
        const silenced = rule.silencedUntil !== null && rule.silencedUntil.getTime() > now.getTime()
        if (!silenced) deps.notifier.notify(notice)
      }
      return report
    },

    /** PUT /api/alerts/:key: enabled, threshold, forMinutes; audited. */
    async update(key: string, patch: Pick<AlertRulePatch, 'enabled' | 'threshold' | 'forMinutes'>, actor: string) {
      const rule = await findAlertRule(deps.db, key)
      if (!rule) throw notFound(`Alert rule "${key}"`)
      if (patch.threshold !== undefined && rule.relativeTo === 'baseline')
        throw new AppError(
          'RELATIVE_RULE',
          `${key} is relative to its baseline; change forMinutes or enabled, not threshold`,
          400,
        )
      const updated = await updateAlertRule(deps.db, { key, patch, actor, action: 'alert.updated' })
      return view(updated!)
    },

    async acknowledge(key: string, actor: string, actorUserId: string | null, now: Date) {
      const rule = await findAlertRule(deps.db, key)
      if (!rule) throw notFound(`Alert rule "${key}"`)
      if (rule.state !== 'firing')
        throw new AppError('NOT_FIRING', `${key} is not firing; there is nothing to acknowledge`, 409)
      return view(
        (await updateAlertRule(deps.db, {
          key,
          patch: { ackedAt: now, ackedBy: actor },
          actor,
          actorUserId,
          action: 'alert.acknowledged',
        }))!,
      )
    },

    /** No notifications until `until` (evaluation and history go on); null lifts the silence. */
    async silence(key: string, until: Date | null, actor: string, actorUserId: string | null) {
      const rule = await findAlertRule(deps.db, key)
      if (!rule) throw notFound(`Alert rule "${key}"`)
      return view(
        (await updateAlertRule(deps.db, {
          key,
          patch: { silencedUntil: until },
          actor,
          actorUserId,
          action: until ? 'alert.silenced' : 'alert.unsilenced',
        }))!,
      )
    },
  }
}

export type AlertService = ReturnType<typeof createAlertService>
