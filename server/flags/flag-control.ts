import type { Database } from '../db/client.ts'
import { recentBookingIds } from '../db/queries/flags.ts'
import { whatIfForRestaurants } from '../db/queries/flags-what-if.ts'
import { findRestaurantBySlug, listRestaurants } from '../db/queries/restaurants.ts'
import { AppError } from '../errors.ts'
import { FLAG_DEFINITIONS, type FlagDefinition, type FlagValue } from './definitions.ts'
import { evaluateFlag, inRollout, type RuleSnapshot } from './evaluate.ts'
import { userActor } from './flag-events.ts'
import { requireFlag, ruleView, type FlagService } from './flag-service.ts'
import type { RampBody, RuleBody } from './flag-inputs.ts'
import { pipelineExposure, type PipelineExposure } from '../assignment/pipelines/select.ts'
import { ACTIVE_RAMP_STATES, IN_PROGRESS_RAMP_STATES } from './ramps/ramp-types.ts'
import type { RampCommandKind, RampService, RampView } from './ramps/ramp-service.ts'
import { RAMP_TEMPLATES, rampTemplate } from './ramps/templates.ts'

export interface RuleView {
  restaurant: string | null
  restaurantName: string | null
  enabled: boolean
  rolloutPercent: number
  value: FlagValue | null
  updatedAt: string
  updatedBy: string | null
}

export interface FlagOverview {
  key: string
  type: FlagDefinition['valueType']
  description: string
  default: FlagValue
  envOverride: FlagValue | null
  /** the environment variable that overrides it (the kill switch) */
  envVariable: string
  rules: RuleView[]
  ramps: RampView[]
  /** how many restaurants get the flag's "on" value now, of how many */
  realised: { on: number; total: number }
  /** restaurant rules (the global rule excluded) */
  restaurantRules: number
}

export interface WhoIsIn {
  scope: 'global' | 'restaurant'
  percent: number
  /** global: restaurants in and out at this percent (with their bucket) */
  restaurants?: Array<{ slug: string; name: string; in: boolean; wasIn: boolean; hasOwnRule: boolean }>
  /** restaurant rule: of its most recent bookings, how many this percent lets in */
  bookings?: { sample: number; in: number }
  on: number
  total: number
}

/**
 * The control plane's use cases, shared by the HTTP API and the pages: resolve slugs, validate,
 * delegate to the flag and ramp services, and shape the answers.
 */
export function createFlagControl(deps: { db: Database; flags: FlagService; ramps: RampService }) {
  const { db, flags, ramps } = deps

  async function restaurantIdOf(slug: string): Promise<string> {
    const restaurant = await findRestaurantBySlug(db, slug)
    if (!restaurant) throw new AppError('RESTAURANT_NOT_FOUND', `There is no restaurant "${slug}"`, 404)
    return restaurant.id
  }

  async function scopeOf(scope: string): Promise<{ restaurantId: string | null }> {
    return { restaurantId: scope === 'global' ? null : await restaurantIdOf(scope) }
  }

  const isOn = (definition: FlagDefinition, value: FlagValue) =>
    definition.valueType === 'boolean' ? value === true : value !== definition.defaultValue

  async function overview(): Promise<FlagOverview[]> {
    const restaurants = await listRestaurants(db)
    const names = new Map(restaurants.map((r) => [r.id, r.name]))
    const activeRamps = await ramps.list({ states: ACTIVE_RAMP_STATES })
    const rows = flags.rules()
    return FLAG_DEFINITIONS.map((definition) => {
      const rules = rows.filter((row) => row.flagKey === definition.key)
      const on = restaurants.filter((r) =>
        isOn(definition, flags.evaluateLocal(definition.key, { restaurantId: r.id }).value),
      ).length
      return {
        key: definition.key,
        type: definition.valueType,
        description: definition.description,
        default: definition.defaultValue,
        envOverride: flags.envOverride(definition.key) ?? null,
        envVariable: definition.envOverride,
        rules: rules
          .map((row) => ({
            restaurant: row.restaurantSlug,
            restaurantName: row.restaurantId ? (names.get(row.restaurantId) ?? null) : null,
            enabled: row.enabled,
            rolloutPercent: row.rolloutPercent,
            value: row.value as FlagValue | null,
            updatedAt: row.updatedAt.toISOString(),
            updatedBy: row.updatedBy,
          }))
          .sort((a, b) =>
            a.restaurant === null ? -1 : b.restaurant === null ? 1 : a.restaurant.localeCompare(b.restaurant),
          ),
        ramps: activeRamps.filter((ramp) => ramp.flag === definition.key),
        realised: { on, total: restaurants.length },
        restaurantRules: rules.filter((row) => row.restaurantId !== null).length,
      }
    })
  }

  /**
   * Who a proposed rule lets in, before it is saved: for the global rule every restaurant (with
   * whether it is in now), for a restaurant rule the share of its recent bookings.
   */
  async function preview(
    key: string,
    scope: string,
    proposed: { enabled: boolean; rolloutPercent: number },
  ): Promise<WhoIsIn> {
    const definition = requireFlag(key)
    const override = flags.envOverride(key)
    const rule: RuleSnapshot = { enabled: proposed.enabled, rolloutPercent: proposed.rolloutPercent, value: null }
    if (scope === 'global') {
      const restaurants = await listRestaurants(db)
      const list = restaurants.map((r) => {
        const current = flags.evaluateLocal(key, { restaurantId: r.id })
        const ownRule = flagsRule(key, r.id)
        const next = evaluateFlag(definition, { global: rule, restaurant: ownRule }, { restaurantId: r.id }, override)
        return {
          slug: r.slug,
          name: r.name,
          in: isOn(definition, next.value),
          wasIn: isOn(definition, current.value),
          hasOwnRule: ownRule !== undefined,
        }
      })
      return {
        scope: 'global',
        percent: proposed.rolloutPercent,
        restaurants: list,
        on: list.filter((r) => r.in).length,
        total: list.length,
      }
    }
    const restaurantId = await restaurantIdOf(scope)
    const sample = await recentBookingIds(db, restaurantId, 200)
    const inCount = sample.filter((bookingId) =>
      isOn(definition, evaluateFlag(definition, { restaurant: rule }, { restaurantId, bookingId }, override).value),
    ).length
    return {
      scope: 'restaurant',
      percent: proposed.rolloutPercent,
      bookings: { sample: sample.length, in: inCount },
      on: inCount,
      total: sample.length,
    }
  }

  function flagsRule(key: string, restaurantId: string): RuleSnapshot | undefined {
    const row = flags.rules().find((r) => r.flagKey === key && r.restaurantId === restaurantId)
    return row
      ? { enabled: row.enabled, rolloutPercent: row.rolloutPercent, value: row.value as FlagValue | null }
      : undefined
  }

  /**
   * What the restaurants that the ramp's next stage adds would have seen, from the shadow
   * comparisons and the attempts of the last `days`: so an engineer ramps on evidence.
   */
  async function whatIf(rampId: string, at: Date, days = 7) {
    const ramp = await ramps.get(rampId)
    if (ramp.state === 'completed' || ramp.state === 'rolled_back') return null
    const nextIndex = ramp.state === 'scheduled' ? 0 : ramp.stage + 1
    const next = ramp.stages[nextIndex]
    if (!next) return null
    const currentPercent = ramp.state === 'scheduled' ? 0 : (ramp.stages[ramp.stage]?.percent ?? 0)
    const restaurants = await listRestaurants(db)
    let joining: typeof restaurants
    if (ramp.restaurant) {
      joining = restaurants.filter((r) => r.slug === ramp.restaurant)
    } else {
      const pilots = new Set(ramp.stages.slice(0, nextIndex + 1).flatMap((stage) => stage.restaurants ?? []))
      const pilotsBefore = new Set(ramp.stages.slice(0, nextIndex).flatMap((stage) => stage.restaurants ?? []))
      joining = restaurants.filter((r) => {
        if (pilots.has(r.slug) && !pilotsBefore.has(r.slug)) return true
        if (pilotsBefore.has(r.slug)) return false
        return inRollout(ramp.flag, r.id, next.percent) && !inRollout(ramp.flag, r.id, currentPercent)
      })
    }
    const from = new Date(at.getTime() - days * 86_400_000)
    const row = await whatIfForRestaurants(db, {
      restaurantIds: joining.map((r) => r.id),
      from,
      to: at,
      seatedOutcome: 'confirmed',
    })
    const share = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : null)
    return {
      nextStage: nextIndex,
      fromPercent: currentPercent,
      toPercent: next.percent,
      /** a restaurant ramp adds bookings of its one restaurant, not restaurants */
      bookingShare: ramp.restaurant ? next.percent - currentPercent : null,
      restaurants: joining.map((r) => ({ slug: r.slug, name: r.name })),
      window: { from: from.toISOString(), to: at.toISOString(), days },
      shadow: {
        compared: row.compared,
        matchRate: share(row.matched, row.compared),
        v3SeatedShare: share(row.v3_seated, row.compared),
        legacySeatedShare: share(row.legacy_seated, row.compared),
        v3P95Ms: row.v3_p95_ms,
        legacyP95Ms: row.legacy_p95_ms,
      },
      attempts: {
        total: row.attempts,
        seatedShare: share(row.attempts_confirmed, row.attempts),
        p95Ms: row.attempts_p95_ms,
      },
    }
  }

  return {
    overview,
    preview,
    whatIf,
    /** the audit actor of a signed-in person */
    userActor,
    scopeOf,
    templates: () =>
      RAMP_TEMPLATES.map((t) => ({
        id: t.id,
        name: t.name,
        source: t.source,
        description: t.description,
        flags: [...t.flags],
        pilotRestaurants: t.pilotRestaurants,
        stages: t.stages(Array.from({ length: t.pilotRestaurants }, (_, i) => `pilot-${i + 1}`)),
        guardrails: [...t.guardrails],
      })),

    async evaluate(key: string, query: { restaurant?: string; booking?: string }) {
      const restaurantId = query.restaurant ? await restaurantIdOf(query.restaurant) : null
      return flags.details(key, { restaurantId, bookingId: query.booking ?? null })
    },

    async setRule(key: string, scope: string, body: RuleBody, actor: string) {
      const rule = await flags.setRule(
        key,
        await scopeOf(scope),
        { enabled: body.enabled, rolloutPercent: body.rolloutPercent, value: body.value ?? null },
        { actor, comment: body.comment },
      )
      return {
        restaurant: scope === 'global' ? null : scope,
        ...ruleView(rule)!,
        updatedAt: rule.updatedAt.toISOString(),
        updatedBy: rule.updatedBy,
      }
    },

    async deleteRule(key: string, scope: string, comment: string, actor: string) {
      const change = await flags.removeRule(key, await scopeOf(scope), { actor, comment })
      return { restaurant: scope === 'global' ? null : scope, before: ruleView(change.before) }
    },

    async audit(key: string, limit?: number) {
      const rows = await flags.audit(key, limit)
      return rows.map(({ entry, restaurantSlug }) => ({
        at: entry.occurredAt.toISOString(),
        actor: entry.actor,
        action: entry.action,
        restaurant: restaurantSlug,
        before: entry.before,
        after: entry.after,
        comment: entry.comment,
        rampId: entry.rampId,
      }))
    },

    async createRamp(key: string, body: RampBody, actor: string): Promise<RampView> {
      const restaurantId = body.restaurant ? await restaurantIdOf(body.restaurant) : null
      let stages = body.stages
      let guardrails = body.guardrails ?? []
      if (body.template) {
        const template = rampTemplate(body.template)
        if (!template) {
          throw new AppError(
            'RAMP_TEMPLATE_UNKNOWN',
            `There is no ramp template "${body.template}"; templates: ${RAMP_TEMPLATES.map((t) => t.id).join(', ')}`,
            400,
          )
        }
        if (!(template.flags as readonly string[]).includes(key)) {
          throw new AppError(
            'RAMP_TEMPLATE_FLAG',
            `Template "${template.id}" ramps ${template.flags.join(' or ')}, not "${key}"`,
            400,
          )
        }
        const pilots = body.pilotRestaurants ?? []
        if (pilots.length !== template.pilotRestaurants || new Set(pilots).size !== pilots.length) {
          throw new AppError(
            'RAMP_PILOTS_REQUIRED',
            `Template "${template.id}" needs ${template.pilotRestaurants} different pilot restaurants in "pilotRestaurants"`,
            400,
          )
        }
        if (restaurantId && template.pilotRestaurants > 0) {
          throw new AppError(
            'RAMP_TEMPLATE_GLOBAL',
            `Template "${template.id}" ramps over restaurants: start it without "restaurant"`,
            400,
          )
        }
        stages = template.stages(pilots)
        guardrails = [...template.guardrails, ...guardrails]
      }
      return ramps.create(
        key,
        {
          restaurantId,
          stages: stages!,
          guardrails,
          startAt: body.startAt ? new Date(body.startAt) : null,
          template: body.template ?? null,
        },
        { actor, comment: body.comment ?? null },
      )
    },

    rampCommand: (id: string, kind: RampCommandKind, comment: string | null, actor: string) =>
      ramps.command(id, kind, { actor, comment }),
    ramp: (id: string) => ramps.get(id),
    rampReadings: (id: string) => ramps.readings(id),
    rampsOf: (key: string) => ramps.list({ flagKey: key }),
    /** staged ramps running or paused (one query), for the overview */
    rampsInProgress: () => ramps.list({ states: IN_PROGRESS_RAMP_STATES }),
    /** the pipeline each restaurant's bookings run, from the rule snapshot (no query) */
    pipelines: (restaurantIds: readonly string[]): Map<string, PipelineExposure> =>
      new Map(restaurantIds.map((id) => [id, pipelineExposure(flags, id)])),
  }
}

export type FlagControl = ReturnType<typeof createFlagControl>
