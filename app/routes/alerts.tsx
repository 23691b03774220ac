import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { CsvDownload } from '../components/csv-download.tsx'
import { DataTable } from '../components/data-table.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { loadAlerts, type AlertsPayload } from '../utils/alerts.server.ts'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Alerts · Maitre' }]

const REFRESH_MS = 10_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return loadAlerts(context)
}

const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('ack'), key: z.string().regex(/^[a-z0-9_]{3,64}$/) }),
  z.object({
    intent: z.literal('silence'),
    key: z.string().regex(/^[a-z0-9_]{3,64}$/),
    minutes: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60),
  }),
])

// Acknowledging and silencing are part of watching the dashboards: the dashboard permission
// allows them. Changing thresholds is for the API (PUT /api/alerts/:key), audited.
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:dashboard:any')
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success)
    return Response.json({ error: 'That form was not valid; reload the page and try again.' }, { status: 400 })
  const now = new Date()
  try {
    if (parsed.data.intent === 'ack') await context.engine.alerts.acknowledge(parsed.data.key, user.email, user.id, now)
    else {
      const until = parsed.data.minutes > 0 ? new Date(now.getTime() + parsed.data.minutes * 60_000) : null
      await context.engine.alerts.silence(parsed.data.key, until, user.email, user.id)
    }
    return Response.json({ ok: true, key: parsed.data.key })
  } catch (error) {
    const status = (error as { status?: number }).status ?? 500
    if (status >= 500) throw error
    return Response.json({ error: (error as Error).message }, { status })
  }
}

export default function Alerts() {
  const initial = useLoaderData<typeof loader>() as AlertsPayload
  const live = useLiveData<AlertsPayload>('/resources/alerts', initial, REFRESH_MS)
  const actionData = useActionData<{ error?: string }>()
  const navigation = useNavigation()
  const data = live.data
  return (
    <>
      <PageHeader
        title="Alerts"
        description="The rollout plans' alerts as rules over catalogue metrics, their state and history."
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>
      {actionData?.error ? (
        <div className="alert alert-error" role="alert">
          {actionData.error}
        </div>
      ) : null}
      <section className="panel" aria-label="Rules">
        <h2>Rules</h2>
        <DataTable
          testId="alert-rules"
          rows={data.alerts}
          rowKey={(a) => a.key}
          columns={[
            {
              key: 'state',
              label: 'State',
              render: (a) => (
                <span id={`alert-${a.key}`} className={`badge badge-${a.state}`} data-testid={`state-${a.key}`}>
                  {a.state}
                  {a.enabled ? '' : ' (disabled)'}
                </span>
              ),
            },
            { key: 'sev', label: 'Severity', render: (a) => a.severity },
            {
              key: 'rule',
              label: 'Rule',
              render: (a) => (
                <>
                  <strong>{a.key}</strong>
                  <div className="muted">{a.description}</div>
                </>
              ),
            },
            {
              key: 'cond',
              label: 'Condition',
              render: (a) =>
                `${a.metric} ${comparatorText(a.comparator)} ${a.relativeTo === 'baseline' ? `baseline + ${a.maxDeltaPct} %` : a.threshold} over ${a.windowMinutes} min${a.forMinutes ? `, for ${a.forMinutes} min` : ''}`,
            },
            { key: 'value', label: 'Value', numeric: true, render: (a) => (a.value === null ? '—' : round(a.value)) },
            {
              key: 'thr',
              label: 'Threshold now',
              numeric: true,
              render: (a) => (a.threshold === null ? '—' : round(a.threshold)),
            },
            { key: 'since', label: 'Since', render: (a) => (a.since ? new Date(a.since).toLocaleString() : '—') },
            {
              key: 'act',
              label: 'Actions',
              render: (a) => (
                <div className="panel-header-actions">
                  {a.state === 'firing' && !a.ackedAt ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="ack" />
                      <input type="hidden" name="key" value={a.key} />
                      <button className="button button-secondary button-small" disabled={navigation.state !== 'idle'}>
                        Acknowledge
                      </button>
                    </Form>
                  ) : a.ackedAt ? (
                    <span className="muted">acked by {a.ackedBy}</span>
                  ) : null}
                  <Form method="post">
                    <input type="hidden" name="intent" value="silence" />
                    <input type="hidden" name="key" value={a.key} />
                    <label className="visually-hidden" htmlFor={`silence-${a.key}`}>
                      Silence {a.key} for
                    </label>
                    <select id={`silence-${a.key}`} name="minutes" defaultValue="60">
                      <option value="60">1 hour</option>
                      <option value="240">4 hours</option>
                      <option value="1440">1 day</option>
                      <option value="0">not silenced</option>
                    </select>{' '}
                    <button className="button button-secondary button-small" disabled={navigation.state !== 'idle'}>
                      Silence
                    </button>
                  </Form>
                  {a.silencedUntil && Date.parse(a.silencedUntil) > data.generatedAt ? (
                    <span className="muted" data-testid={`silenced-${a.key}`}>
                      silenced until {new Date(a.silencedUntil).toLocaleString()}
                    </span>
                  ) : null}
                </div>
              ),
            },
          ]}
        />
      </section>
      <section className="panel" aria-label="History">
        <div className="panel-header">
          <h2>History (7 days)</h2>
          <CsvDownload href="/resources/alerts?format=csv" />
        </div>
        <DataTable
          testId="alert-history"
          rows={data.history}
          rowKey={(h, i) => `${h.at}-${h.key}-${i}`}
          empty="No transitions in the last 7 days."
          columns={[
            { key: 'at', label: 'When', render: (h) => new Date(h.at).toLocaleString() },
            { key: 'key', label: 'Rule', render: (h) => h.key },
            { key: 'tr', label: 'Transition', render: (h) => `${h.from} → ${h.to}` },
            { key: 'v', label: 'Value', numeric: true, render: (h) => (h.value === null ? '—' : round(h.value)) },
            {
              key: 't',
              label: 'Threshold',
              numeric: true,
              render: (h) => (h.threshold === null ? '—' : round(h.threshold)),
            },
          ]}
        />
      </section>
    </>
  )
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Number(v.toFixed(2)))
const comparatorText = (c: string) => ({ gt: '>', gte: '>=', lt: '<', lte: '<=' })[c] ?? c
