import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { DataTable } from '../components/data-table.tsx'
import { FilterBar } from '../components/filter-bar.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { QualityPanel } from '../components/quality-panel.tsx'
import { CsvDownload } from '../components/csv-download.tsx'
import { Tile, Tiles } from '../components/tile.tsx'
import { requireUser } from '../utils/auth.server.ts'
import { dashboardSearch, parseDashboardFilters, rangeLabel } from '../utils/dashboard-filters.ts'
import { formatCount, formatMs, formatPct } from '../utils/format.ts'
import { loadOverview, type OverviewPayload } from '../utils/overview.server.ts'
import { pipelineLabel, shadowLabel } from '../utils/pipeline-label.ts'
import { userHasPermission } from '../utils/permissions.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Overview · Maitre' }]

const REFRESH_MS = 10_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context)
  const canSeeDashboards = userHasPermission(user, 'read:dashboard:any')
  const filters = parseDashboardFilters(new URL(request.url).searchParams)
  return {
    user: { name: user.name },
    overview: canSeeDashboards ? await loadOverview(context, filters) : null,
  }
}

export default function Overview() {
  const { user, overview } = useLoaderData<typeof loader>()
  return (
    <>
      {overview ? (
        <Dashboard initial={overview as OverviewPayload} userName={user.name} />
      ) : (
        <PageHeader
          title="Overview"
          description={`Welcome, ${user.name}. Your role has no dashboards; the menu shows the pages you can use.`}
        />
      )}
    </>
  )
}

function Dashboard({ initial, userName }: { initial: OverviewPayload; userName: string }) {
  const search = dashboardSearch(initial.filters)
  const live = useLiveData<OverviewPayload>(`/resources/overview?${search}`, initial, REFRESH_MS)
  const data = live.data
  const t = data.tiles
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Welcome, ${userName}. How the engine seats bookings, ${rangeLabel(data.filters)}.`}
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>
      <FilterBar filters={data.filters} restaurants={data.restaurants} />
      {data.unknownRestaurant ? (
        <div className="alert alert-warning" role="status">
          No restaurant has the slug <code>{data.unknownRestaurant}</code>; showing every restaurant.
        </div>
      ) : null}

      {data.alerts.length > 0 ? (
        <section className="panel" data-testid="overview-alerts" aria-label="Alerts">
          <h2>Alerts</h2>
          <ul className="link-list">
            {data.alerts.map((a) => (
              <li key={a.key}>
                <span className={`badge badge-${a.state}`}>{a.state}</span> <strong>{a.severity}</strong>{' '}
                <Link to={`/alerts#alert-${a.key}`}>{a.key}</Link> <span className="muted">— {a.description}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <Tiles testId="overview-tiles">
        <Tile
          label="Bookings"
          value={formatCount(t.bookings_created.value ?? 0)}
          trend={t.bookings_created.trend}
          testId="tile-bookings"
        />
        <Tile
          label="Confirmation rate"
          value={formatPct(t.confirmation_rate.value)}
          note="booking.confirmed / booking.created"
          trend={t.confirmation_rate.trend}
          testId="tile-confirmation-rate"
        />
        <Tile
          label="Seated inline / by the job"
          value={`${formatCount(t.inline_confirmed_count.value ?? 0)} / ${formatCount(t.job_succeeded_count.value ?? 0)}`}
          small
          trend={t.inline_confirmed_count.trend}
          testId="tile-seated"
        />
        <Tile
          label="Manual review share"
          value={formatPct(t.manual_review_share.value)}
          trend={t.manual_review_share.trend}
          tone={(t.manual_review_share.value ?? 0) > 20 ? 'bad' : undefined}
        />
        <Tile
          label="Job success rate"
          value={formatPct(t.job_success_rate.value)}
          note={`${formatCount(t.job_success_rate.sampleSize)} jobs`}
          trend={t.job_success_rate.trend}
        />
        <Tile
          label="Planner p95"
          value={formatMs(t.planner_duration_p95.value)}
          unit="ms"
          trend={t.planner_duration_p95.trend}
        />
        <Tile
          label="Inline timeouts"
          value={formatPct(t.inline_timeout_pct.value)}
          trend={t.inline_timeout_pct.trend}
        />
        <Tile
          label="Alerts firing"
          value={formatCount(data.alerts.filter((a) => a.state === 'firing').length)}
          tone={data.alerts.some((a) => a.state === 'firing') ? 'bad' : 'good'}
          testId="tile-alerts"
        />
      </Tiles>

      <section className="panel" aria-label="Flag ramps in progress" data-testid="overview-ramps">
        <div className="panel-header">
          <h2>Flag ramps in progress</h2>
          <div className="panel-header-actions">
            <span className="muted">
              Staged ramps running or paused; every flag on <Link to="/flags">feature flags</Link>
            </span>
          </div>
        </div>
        <DataTable
          testId="overview-ramps-table"
          rows={data.ramps}
          rowKey={(r) => r.id}
          caption="Staged flag ramps that are running or paused"
          empty="No ramps in progress"
          columns={[
            { key: 'flag', label: 'Flag', render: (r) => <Link to={`/ramps/${r.id}`}>{r.flag}</Link> },
            { key: 'scope', label: 'Scope', render: (r) => r.restaurant ?? 'global' },
            {
              key: 'stage',
              label: 'Stage',
              render: (r) => (
                <>
                  {r.stage} of {r.stages}
                  {r.percent === null ? null : ` · ${r.percent}%`}
                  {r.stageName ? <span className="muted"> ({r.stageName})</span> : null}
                </>
              ),
            },
            {
              key: 'state',
              label: 'State',
              render: (r) => <span className={`badge badge-${r.state}`}>{r.state}</span>,
            },
            {
              key: 'next',
              label: 'Next step at',
              render: (r) =>
                r.nextStageAt ? (
                  <time dateTime={r.nextStageAt}>{new Date(r.nextStageAt).toLocaleString()}</time>
                ) : r.state === 'paused' ? (
                  'when resumed'
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </section>

      <section className="panel" aria-label="Per restaurant">
        <div className="panel-header">
          <h2>
            Per restaurant (<span data-testid="restaurant-count">{data.restaurants.length}</span>)
          </h2>
          <div className="panel-header-actions">
            <CsvDownload href={`/resources/overview?${search}&format=csv`} />
          </div>
        </div>
        <DataTable
          testId="overview-restaurants"
          rows={data.perRestaurant}
          rowKey={(r) => r.slug}
          caption="Bookings per restaurant in the window"
          empty="No restaurants yet. Import a floor with PUT /api/restaurants/:slug, or start in demo mode (MAITRE_DEMO=1)."
          columns={[
            {
              key: 'name',
              label: 'Restaurant',
              render: (r) => <Link to={`?${dashboardSearch({ ...data.filters, restaurant: r.slug })}`}>{r.name}</Link>,
            },
            {
              key: 'pipeline',
              label: 'Pipeline',
              render: (r) => (
                <>
                  {pipelineLabel(r.pipeline)}
                  {r.pipeline.shadow ? <span className="muted"> · {shadowLabel(r.pipeline)}</span> : null}
                </>
              ),
            },
            { key: 'bookings', label: 'Bookings', numeric: true, render: (r) => formatCount(r.bookings) },
            { key: 'rate', label: 'Confirmed', numeric: true, render: (r) => formatPct(r.confirmationRate) },
            { key: 'inline', label: 'Seated inline', numeric: true, render: (r) => formatCount(r.seatedInline) },
            { key: 'job', label: 'Seated by job', numeric: true, render: (r) => formatCount(r.seatedByJob) },
            { key: 'review', label: 'To review', numeric: true, render: (r) => formatCount(r.movedToReview) },
            {
              key: 'backlog',
              label: 'Review backlog now',
              numeric: true,
              render: (r) =>
                r.reviewBacklog > 0 ? (
                  <Link to={`/review?restaurant=${r.slug}`}>{formatCount(r.reviewBacklog)}</Link>
                ) : (
                  '0'
                ),
            },
          ]}
        />
      </section>
      <QualityPanel latest={data.quality} />
    </>
  )
}
