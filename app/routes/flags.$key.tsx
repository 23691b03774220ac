import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { AuditHistory } from '../components/flags/audit-history.tsx'
import { EnvOverrideBadge, formatValue, RampStateBadge, RealisedShare } from '../components/flags/flag-badges.tsx'
import flagStyles from '../components/flags/flags.css?url'
import { PageHeader } from '../components/page-header.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import {
  engineErrorResponse,
  flagActionSchema,
  formObject,
  invalidForm,
  parseRuleValue,
} from '../utils/flag-forms.server.ts'
import { userHasPermission } from '../utils/permissions.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.flag.key ?? 'Flag'} · Maitre` }]
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: flagStyles }]

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:flag:any')
  const control = context.engine.flagControl
  const flag = (await control.overview()).find((f) => f.key === params.key)
  if (!flag) throw new Response(`There is no flag "${params.key}"`, { status: 404 })
  const url = new URL(request.url)
  const q = (url.searchParams.get('q') ?? '').trim().toLowerCase().slice(0, 100)
  const scope = (url.searchParams.get('scope') ?? 'global').slice(0, 100)
  const all = await context.engine.restaurants.list()
  const restaurants = all
    .filter((r) => !q || r.slug.toLowerCase().includes(q) || r.name.toLowerCase().includes(q))
    .slice(0, 50)
    .map((r) => ({ slug: r.slug, name: r.name }))
  const current = flag.rules.find((rule) => (scope === 'global' ? rule.restaurant === null : rule.restaurant === scope))
  const percentParam = url.searchParams.get('percent')
  const wantsPreview = url.searchParams.has('preview') && percentParam !== null
  const percent = Math.min(100, Math.max(0, Math.round(Number(percentParam ?? current?.rolloutPercent ?? 100)) || 0))
  const enabled = wantsPreview ? url.searchParams.get('enabled') === 'on' : (current?.enabled ?? true)
  const knownScope = scope === 'global' || all.some((r) => r.slug === scope)
  const preview =
    wantsPreview && knownScope ? await control.preview(flag.key, scope, { enabled, rolloutPercent: percent }) : null
  return {
    flag,
    canEdit: userHasPermission(user, 'update:flag:any'),
    restaurants,
    q,
    form: { scope: knownScope ? scope : 'global', percent, enabled, value: current?.value ?? null },
    preview,
    audit: await control.audit(flag.key, 100),
    ramps: await control.rampsOf(flag.key),
    templates: control.templates().filter((t) => (t.flags as string[]).includes(flag.key)),
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'update:flag:any')
  const control = context.engine.flagControl
  const key = params.key ?? ''
  const parsed = flagActionSchema.safeParse(formObject(await request.formData()))
  if (!parsed.success) return invalidForm(parsed.error.issues)
  const input = parsed.data
  const actor = control.userActor(user.email)
  try {
    if (input.intent === 'set-rule') {
      const flag = (await control.overview()).find((f) => f.key === key)
      if (!flag) throw new Response('Unknown flag', { status: 404 })
      await control.setRule(
        key,
        input.scope,
        {
          enabled: input.enabled,
          rolloutPercent: input.percent,
          value: parseRuleValue(flag.type, input.value),
          comment: input.comment,
        },
        actor,
      )
      return redirect(`/flags/${key}?saved=${encodeURIComponent(input.scope)}`)
    }
    if (input.intent === 'delete-rule') {
      await control.deleteRule(key, input.scope, input.comment, actor)
      return redirect(`/flags/${key}?deleted=${encodeURIComponent(input.scope)}`)
    }
    const pilots = (input.pilots ?? '')
      .split(/[\s,]+/)
      .map((slug) => slug.trim())
      .filter(Boolean)
    const body = input.template
      ? { template: input.template, pilotRestaurants: pilots, comment: input.comment }
      : {
          stages: (input.percents ?? '')
            .split(/[\s,]+/)
            .filter(Boolean)
            .map((p) => ({ percent: Number(p), holdMinutes: input.holdMinutes ?? 60 })),
          guardrails: [],
          restaurant: input.restaurant || undefined,
          comment: input.comment,
        }
    if (!input.template && body.stages!.some((s) => !Number.isInteger(s.percent) || s.percent < 0 || s.percent > 100)) {
      return data(
        { ok: false as const, error: 'Stages are whole percents 0 to 100, e.g. "10, 50, 100"', code: 'INVALID_INPUT' },
        { status: 400 },
      )
    }
    const ramp = await control.createRamp(key, body, actor)
    return redirect(`/ramps/${ramp.id}`)
  } catch (error) {
    return engineErrorResponse(error)
  }
}

export default function FlagPage() {
  const { flag, canEdit, restaurants, q, form, preview, audit, ramps, templates } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [percent, setPercent] = useState(form.percent)
  const global = flag.rules.find((rule) => rule.restaurant === null)
  const scopeLabel =
    form.scope === 'global'
      ? 'the global rule (ramps over restaurants)'
      : `restaurant ${form.scope} (ramps over its bookings)`

  return (
    <>
      <PageHeader title={flag.key} description={flag.description}>
        <Link to="/flags">All flags</Link>
      </PageHeader>
      {actionData && !actionData.ok ? (
        <div className="alert alert-error" role="alert" data-testid="form-error">
          {actionData.error}
        </div>
      ) : null}
      <section className="panel">
        <dl className="grid-2">
          <div>
            <dt className="muted">Type · default</dt>
            <dd>
              {flag.type} · {formatValue(flag.default)}
            </dd>
          </div>
          <div>
            <dt className="muted">Kill switch ({flag.envVariable})</dt>
            <dd>
              <EnvOverrideBadge flag={flag} />
            </dd>
          </div>
          <div>
            <dt className="muted">Global rule</dt>
            <dd data-testid="global-rule">
              {global
                ? global.enabled
                  ? `on for ${global.rolloutPercent}% of restaurants`
                  : 'off'
                : 'none: the default applies'}
              {global?.value !== null && global?.value !== undefined ? ` · value ${formatValue(global.value)}` : ''}
            </dd>
          </div>
          <div>
            <dt className="muted">Realised now</dt>
            <dd>
              <RealisedShare
                realised={flag.realised}
                target={global ? (global.enabled ? global.rolloutPercent : 0) : null}
              />
            </dd>
          </div>
        </dl>
      </section>

      <section className="panel" id="rule-form">
        <h2 className="section-title">{canEdit ? 'Edit a rule' : 'Rules'}</h2>
        {flag.envOverride !== null ? (
          <p className="alert alert-warning">
            {flag.envVariable} is set in the environment: it wins over every rule below until it is removed.
          </p>
        ) : null}
        {canEdit ? (
          <Form method="post" className="form" data-testid="rule-form">
            <input type="hidden" name="preview" value="1" />
            <div className="field">
              <label htmlFor="scope">Scope</label>
              <select id="scope" name="scope" defaultValue={form.scope}>
                <option value="global">Global (ramps over restaurants)</option>
                {restaurants.map((r) => (
                  <option key={r.slug} value={r.slug}>
                    {r.name} ({r.slug})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label>
                <input type="checkbox" name="enabled" defaultChecked={form.enabled} /> Enabled
              </label>
            </div>
            <div className="field">
              <label htmlFor="percent">Rollout percent</label>
              <div className="slider-row">
                <input
                  id="percent"
                  name="percent"
                  type="range"
                  min={0}
                  max={100}
                  step={1}
                  value={percent}
                  onChange={(event) => setPercent(Number(event.target.value))}
                />
                <output htmlFor="percent" data-testid="percent-output">
                  {percent}%
                </output>
              </div>
            </div>
            {flag.type !== 'boolean' ? (
              <div className="field">
                <label htmlFor="value">Value ({flag.type})</label>
                <input id="value" name="value" defaultValue={form.value === null ? '' : String(form.value)} />
              </div>
            ) : null}
            <div className="field">
              <label htmlFor="comment">Why (required, kept in the audit trail)</label>
              <input id="comment" name="comment" maxLength={500} />
            </div>
            <div className="inline-form">
              <button
                type="submit"
                className="button button-secondary"
                formMethod="get"
                formAction={`/flags/${flag.key}#rule-form`}
              >
                Preview who is in
              </button>
              <button type="submit" className="button button-primary" name="intent" value="set-rule">
                Save rule
              </button>
            </div>
          </Form>
        ) : null}
        {preview ? (
          <div className="panel panel-muted" data-testid="preview">
            <h3>
              Preview for {scopeLabel} at {preview.percent}%
            </h3>
            {preview.scope === 'global' ? (
              <>
                <p data-testid="preview-summary">
                  {preview.on} of {preview.total} restaurants would be in
                </p>
                <ul className="who-is-in">
                  {preview.restaurants!.map((r) => (
                    <li key={r.slug} className={r.in && !r.wasIn ? 'joins' : !r.in && r.wasIn ? 'leaves' : ''}>
                      {r.in ? '✓' : '·'} {r.name}
                      {r.hasOwnRule ? ' (own rule)' : ''}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p data-testid="preview-summary">
                {preview.percent}% of this restaurant's bookings: {preview.bookings!.in} of its last{' '}
                {preview.bookings!.sample} bookings would have been in
              </p>
            )}
          </div>
        ) : null}

        <h3>Per-restaurant rules ({flag.restaurantRules})</h3>
        <Form method="get" className="inline-form" action={`/flags/${flag.key}`}>
          <div className="field">
            <label htmlFor="q">Search restaurants</label>
            <input id="q" name="q" defaultValue={q} placeholder="name or slug" />
          </div>
          <button type="submit" className="button button-secondary">
            Search
          </button>
        </Form>
        <table className="table" data-testid="restaurant-rules">
          <thead>
            <tr>
              <th>Restaurant</th>
              <th>Rule</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {restaurants.map((r) => {
              const rule = flag.rules.find((x) => x.restaurant === r.slug)
              return (
                <tr key={r.slug} data-restaurant={r.slug}>
                  <td>
                    {r.name} <span className="muted">({r.slug})</span>
                  </td>
                  <td>
                    {rule ? (
                      <span className={rule.enabled ? 'badge badge-on' : 'badge badge-off'}>
                        {rule.enabled ? `on for ${rule.rolloutPercent}% of bookings` : 'off'}
                        {rule.value !== null ? ` · ${formatValue(rule.value)}` : ''}
                      </span>
                    ) : (
                      <span className="muted">follows the global rule</span>
                    )}
                  </td>
                  <td className="muted">
                    {rule ? `${rule.updatedBy ?? ''} ${rule.updatedAt.slice(0, 16).replace('T', ' ')}` : ''}
                  </td>
                  <td>
                    {canEdit ? <Link to={`?scope=${encodeURIComponent(r.slug)}#rule-form`}>Edit</Link> : null}
                    {canEdit && rule ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="scope" value={r.slug} />
                        <input name="comment" placeholder="why" aria-label={`Why remove the rule of ${r.slug}`} />
                        <button type="submit" name="intent" value="delete-rule" className="button button-secondary">
                          Remove
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>

      <section className="panel" data-testid="ramps">
        <h2 className="section-title">Ramps</h2>
        {ramps.length === 0 ? <p className="muted">No ramps yet.</p> : null}
        <ul className="link-list">
          {ramps.map((ramp) => (
            <li key={ramp.id}>
              <Link to={`/ramps/${ramp.id}`}>
                <RampStateBadge state={ramp.state} /> {ramp.restaurant ?? 'global'} · stage {ramp.stage + 1} of{' '}
                {ramp.stages.length} ({ramp.stages.map((s) => `${s.percent}%`).join(' → ')}) · started{' '}
                {ramp.startedAt?.slice(0, 16).replace('T', ' ') ?? 'not yet'}
              </Link>
            </li>
          ))}
        </ul>
        {canEdit && flag.type === 'boolean' ? (
          <div className="grid-2">
            {templates.length > 0 ? (
              <Form method="post" className="form" data-testid="template-ramp-form">
                <h3>From a rollout plan</h3>
                <div className="field">
                  <label htmlFor="template">Template</label>
                  <select id="template" name="template">
                    {templates.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </div>
                {templates.map((t) => (
                  <p key={t.id} className="muted">
                    {t.description} Stages: {t.stages.map((s) => s.name ?? `${s.percent}%`).join(' → ')}.
                  </p>
                ))}
                {templates.some((t) => t.pilotRestaurants > 0) ? (
                  <div className="field">
                    <label htmlFor="pilots">Pilot restaurants (slugs, comma separated)</label>
                    <input id="pilots" name="pilots" />
                  </div>
                ) : null}
                <div className="field">
                  <label htmlFor="template-comment">Why</label>
                  <input id="template-comment" name="comment" maxLength={500} />
                </div>
                <button type="submit" name="intent" value="start-ramp" className="button button-primary">
                  Start ramp from template
                </button>
              </Form>
            ) : null}
            <Form method="post" className="form" data-testid="custom-ramp-form">
              <h3>From scratch</h3>
              <div className="field">
                <label htmlFor="percents">Stages (percents)</label>
                <input id="percents" name="percents" placeholder="10, 25, 50, 100" />
              </div>
              <div className="field">
                <label htmlFor="holdMinutes">Hold per stage (minutes)</label>
                <input id="holdMinutes" name="holdMinutes" type="number" min={1} defaultValue={60} />
              </div>
              <div className="field">
                <label htmlFor="ramp-restaurant">Restaurant (empty: global)</label>
                <input id="ramp-restaurant" name="restaurant" placeholder="slug" />
              </div>
              <div className="field">
                <label htmlFor="ramp-comment">Why</label>
                <input id="ramp-comment" name="comment" maxLength={500} />
              </div>
              <button type="submit" name="intent" value="start-ramp" className="button button-primary">
                Start ramp
              </button>
            </Form>
          </div>
        ) : null}
      </section>

      <section className="panel">
        <h2 className="section-title">Audit history</h2>
        <AuditHistory entries={audit} />
      </section>
    </>
  )
}
