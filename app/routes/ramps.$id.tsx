import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { RampStateBadge } from '../components/flags/flag-badges.tsx'
import { GuardrailCharts } from '../components/flags/guardrail-chart.tsx'
import flagStyles from '../components/flags/flags.css?url'
import {
  GuardrailTable,
  nextStepSentence,
  RampTimeline,
  ReadingsTable,
  StageList,
} from '../components/flags/ramp-panels.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { engineErrorResponse, formObject, invalidForm, rampActionSchema } from '../utils/flag-forms.server.ts'
import { userHasPermission } from '../utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Ramp · Maitre' }]
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: flagStyles }]

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:flag:any')
  if (!UUID.test(params.id ?? '')) throw new Response('There is no such ramp', { status: 404 })
  const control = context.engine.flagControl
  let ramp
  try {
    ramp = await control.ramp(params.id!)
  } catch {
    throw new Response('There is no such ramp', { status: 404 })
  }
  const readings = (await control.rampReadings(ramp.id)).map((r) => ({
    at: r.at.toISOString(),
    guardrail: r.guardrail,
    metric: r.metric,
    stage: r.stage,
    value: r.value,
    limit: r.limit,
    sampleSize: r.sampleSize,
    status: r.status,
  }))
  return {
    ramp,
    readings,
    whatIf: await control.whatIf(ramp.id, new Date()),
    canEdit: userHasPermission(user, 'update:flag:any'),
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'update:flag:any')
  if (!UUID.test(params.id ?? '')) throw new Response('There is no such ramp', { status: 404 })
  const parsed = rampActionSchema.safeParse(formObject(await request.formData()))
  if (!parsed.success) return invalidForm(parsed.error.issues)
  const control = context.engine.flagControl
  try {
    await control.rampCommand(
      params.id!,
      parsed.data.intent,
      parsed.data.comment ?? null,
      control.userActor(user.email),
    )
    return redirect(`/ramps/${params.id}`)
  } catch (error) {
    return engineErrorResponse(error)
  }
}

const pct = (value: number | null) => (value === null ? '—' : `${Math.round(value * 10) / 10}%`)
const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`)

export default function RampPage() {
  const { ramp, readings, whatIf, canEdit } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const live = ramp.state === 'running' || ramp.state === 'paused' || ramp.state === 'scheduled'
  return (
    <>
      <PageHeader
        title={`Ramp of ${ramp.flag}`}
        description={`${ramp.restaurant ? `Restaurant ${ramp.restaurant} (over its bookings)` : 'Global (over restaurants)'}${ramp.template ? ` · template ${ramp.template}` : ''}`}
      >
        <Link to={`/flags/${ramp.flag}`}>Back to the flag</Link>
      </PageHeader>
      {actionData && !actionData.ok ? (
        <div className="alert alert-error" role="alert" data-testid="form-error">
          {actionData.error}
        </div>
      ) : null}
      <section className="panel">
        <p>
          <span data-testid="ramp-state">
            <RampStateBadge state={ramp.state} />
          </span>{' '}
          stage <span data-testid="ramp-stage">{ramp.stage + 1}</span> of {ramp.stages.length} (
          {ramp.stages[ramp.stage]?.percent ?? 0}%)
        </p>
        <p data-testid="next-step">{nextStepSentence(ramp)}</p>
        {ramp.lastReason ? <p className="muted">Last: {ramp.lastReason}</p> : null}
        <StageList ramp={ramp} />
        {canEdit && live ? (
          <Form method="post" className="inline-form" data-testid="ramp-actions">
            <div className="field">
              <label htmlFor="comment">Why (required to advance early)</label>
              <input id="comment" name="comment" maxLength={500} />
            </div>
            {ramp.state === 'paused' ? (
              <button type="submit" name="intent" value="resume" className="button button-secondary">
                Resume
              </button>
            ) : (
              <button type="submit" name="intent" value="pause" className="button button-secondary">
                Pause
              </button>
            )}
            {ramp.state !== 'paused' ? (
              <button type="submit" name="intent" value="advance" className="button button-secondary">
                Advance now
              </button>
            ) : null}
            <button type="submit" name="intent" value="rollback" className="button button-primary">
              Roll back
            </button>
          </Form>
        ) : null}
      </section>
      <section className="panel">
        <h2 className="section-title">Guardrails of this stage</h2>
        <GuardrailTable ramp={ramp} />
      </section>
      {whatIf ? (
        <section className="panel" data-testid="what-if">
          <h2 className="section-title">
            What-if: stage {whatIf.nextStage + 1} ({whatIf.fromPercent}% → {whatIf.toPercent}%)
          </h2>
          <p>
            {whatIf.bookingShare !== null
              ? `${whatIf.bookingShare}% more of this restaurant's bookings.`
              : `${whatIf.restaurants.length} restaurants join: ${whatIf.restaurants.map((r) => r.name).join(', ') || 'none'}.`}{' '}
            Over the last {whatIf.window.days} days they saw:
          </p>
          <table className="table">
            <tbody>
              <tr>
                <th>Shadow comparisons</th>
                <td>{whatIf.shadow.compared}</td>
                <th>Match rate (V3 vs legacy)</th>
                <td>{pct(whatIf.shadow.matchRate)}</td>
              </tr>
              <tr>
                <th>Seated by V3 (shadow)</th>
                <td>{pct(whatIf.shadow.v3SeatedShare)}</td>
                <th>Seated by legacy</th>
                <td>{pct(whatIf.shadow.legacySeatedShare)}</td>
              </tr>
              <tr>
                <th>V3 decide p95</th>
                <td>{ms(whatIf.shadow.v3P95Ms)}</td>
                <th>Legacy p95</th>
                <td>{ms(whatIf.shadow.legacyP95Ms)}</td>
              </tr>
              <tr>
                <th>Attempts (what ran)</th>
                <td>{whatIf.attempts.total}</td>
                <th>Seated share · p95</th>
                <td>
                  {pct(whatIf.attempts.seatedShare)} · {ms(whatIf.attempts.p95Ms)}
                </td>
              </tr>
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="panel">
        <h2 className="section-title">Timeline</h2>
        <RampTimeline ramp={ramp} />
      </section>
      <section className="panel">
        <h2 className="section-title">Guardrail readings over time</h2>
        <GuardrailCharts readings={readings} />
        <ReadingsTable readings={readings} />
      </section>
    </>
  )
}
