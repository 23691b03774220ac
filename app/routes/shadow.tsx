import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ChartFrame } from '../components/chart-frame.tsx'
import { DataTable } from '../components/data-table.tsx'
import { EmptyState } from '../components/empty-state.tsx'
import { FilterBar } from '../components/filter-bar.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Tile, Tiles } from '../components/tile.tsx'
import { TimeSeriesChart } from '../components/time-series-chart.tsx'
import { CategoryBarChart } from '../components/bar-chart.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { rangeLabel } from '../utils/dashboard-filters.ts'
import { formatCount, formatMs, formatPct } from '../utils/format.ts'
import { MISMATCH_LABELS, parseShadowFilters, shadowSearch, type ShadowPageFilters } from '../utils/shadow-filters.ts'
import { loadShadow, type ShadowPayload } from '../utils/shadow.server.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Shadow · Maitre' }]

const REFRESH_MS = 10_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return loadShadow(context, parseShadowFilters(new URL(request.url).searchParams))
}

const pct = (rate: number | null) => (rate === null ? null : rate * 100)
type Comparison = ShadowPayload['comparisons'][number]

export default function Shadow() {
  const initial = useLoaderData<typeof loader>() as ShadowPayload
  const search = shadowSearch(initial.filters)
  const live = useLiveData<ShadowPayload>(`/resources/shadow?${search}`, initial, REFRESH_MS)
  const data = live.data
  const { filters, summary } = data
  const restaurantName = data.restaurants.find((r) => r.slug === filters.restaurant)?.name
  const mismatches = summary.total - summary.matched
  const series = data.overTime.map((b) => ({ t: Date.parse(b.at), matchRate: pct(b.matchRate), total: b.total }))

  return (
    <>
      <PageHeader
        title="Shadow"
        description="Pipeline V3 deciding beside the legacy pipeline on the same availability, without acting: where they agree, and where they do not."
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>

      <FilterBar filters={filters} restaurants={data.restaurants} showPipeline={false}>
        <ShadowFilterFields filters={filters} />
      </FilterBar>

      {data.unknownRestaurant ? (
        <div className="alert alert-warning" role="status">
          No restaurant has the slug <code>{data.unknownRestaurant}</code>; showing every restaurant.
        </div>
      ) : null}

      {data.timeline ? (
        <Timeline timeline={data.timeline} close={`?${shadowSearch({ ...filters, booking: '' })}`} />
      ) : null}

      {summary.total === 0 ? (
        <EmptyState title={`No shadow comparisons in the ${rangeLabel(filters)}`} testId="shadow-empty">
          <p className="muted">
            Turn on <code>assignment.pipeline_v3_shadow</code> for a restaurant (on <Link to="/flags">Flags</Link>)
            while <code>assignment.pipeline_v3</code> is off for it: each new booking is then compared once.
          </p>
        </EmptyState>
      ) : (
        <>
          <Tiles testId="shadow-tiles">
            <Tile
              label="Match rate"
              value={formatPct(pct(summary.matchRate))}
              note={`${formatCount(summary.matched)} of ${formatCount(summary.total)} bookings`}
              testId="tile-match-rate"
              trend={series.map((b) => b.matchRate)}
            />
            <Tile label="Comparisons" value={formatCount(summary.total)} note={restaurantName ?? 'all restaurants'} />
            <Tile
              label="Mismatches"
              value={formatCount(mismatches)}
              note={`${formatCount(summary.byKind.error)} V3 errors`}
              tone={summary.byKind.error > 0 ? 'bad' : undefined}
            />
          </Tiles>

          <ChartFrame
            title="Match rate over time"
            meta={`${restaurantName ?? 'all restaurants'} · per ${Math.round(data.range.bucketSeconds / 60)} min`}
            table={
              <DataTable
                caption="Match rate per bucket"
                rows={data.overTime}
                rowKey={(b) => b.at}
                columns={[
                  {
                    key: 'at',
                    label: 'Bucket',
                    render: (b) => new Date(b.at).toISOString().slice(0, 16).replace('T', ' '),
                  },
                  { key: 'total', label: 'Comparisons', numeric: true, render: (b) => formatCount(b.total) },
                  { key: 'rate', label: 'Match rate', numeric: true, render: (b) => formatPct(pct(b.matchRate)) },
                ]}
              />
            }
          >
            <TimeSeriesChart
              label="Shadow match rate over time"
              data={series}
              range={data.range}
              unit="%"
              series={[{ key: 'matchRate', label: 'match rate' }]}
            />
          </ChartFrame>

          <div className="grid-2">
            <ChartFrame
              title="Mismatches by kind"
              testId="shadow-kinds"
              table={
                <DataTable
                  caption="Mismatches by kind"
                  rows={Object.entries(summary.byKind)}
                  rowKey={([kind]) => kind}
                  columns={[
                    {
                      key: 'kind',
                      label: 'Kind',
                      render: ([kind]) => (
                        <Link
                          to={`?${shadowSearch({ ...filters, match: 'false', kind: kind as ShadowPageFilters['kind'] })}`}
                        >
                          {MISMATCH_LABELS[kind as keyof typeof MISMATCH_LABELS]}
                        </Link>
                      ),
                    },
                    { key: 'n', label: 'Bookings', numeric: true, render: ([, n]) => formatCount(n) },
                  ]}
                />
              }
            >
              <CategoryBarChart
                label="Mismatches by kind"
                data={Object.entries(summary.byKind).map(([kind, n]) => ({
                  name: MISMATCH_LABELS[kind as keyof typeof MISMATCH_LABELS],
                  value: n,
                }))}
              />
            </ChartFrame>
            <section className="panel" aria-labelledby="by-restaurant">
              <h2 id="by-restaurant" className="section-title">
                By restaurant
              </h2>
              <DataTable
                testId="shadow-by-restaurant"
                rows={data.byRestaurant}
                rowKey={(r) => r.restaurant}
                columns={[
                  {
                    key: 'restaurant',
                    label: 'Restaurant',
                    render: (r) => (
                      <Link to={`?${shadowSearch({ ...filters, restaurant: r.restaurant })}`}>{r.restaurant}</Link>
                    ),
                  },
                  { key: 'total', label: 'Comparisons', numeric: true, render: (r) => formatCount(r.total) },
                  { key: 'rate', label: 'Match rate', numeric: true, render: (r) => formatPct(pct(r.matchRate)) },
                ]}
              />
            </section>
          </div>

          <h2 className="section-title">
            {filters.match === 'false'
              ? 'Recent mismatches'
              : filters.match === 'true'
                ? 'Recent matches'
                : 'Recent comparisons'}
          </h2>
          {data.comparisons.length === 0 ? (
            <p className="muted">None with these filters.</p>
          ) : (
            <ul className="shadow-list" data-testid="shadow-comparisons">
              {data.comparisons.map((c) => (
                <ComparisonCard
                  key={c.bookingId}
                  comparison={c}
                  floor={data.floors[c.restaurant] ?? []}
                  filters={filters}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </>
  )
}

function ShadowFilterFields({ filters }: { filters: ShadowPageFilters }) {
  return (
    <>
      <div className="filter">
        <label htmlFor="filter-match">Show</label>
        <select id="filter-match" name="match" defaultValue={filters.match} key={`m-${filters.match}`}>
          <option value="false">Mismatches</option>
          <option value="true">Matches</option>
          <option value="all">Everything</option>
        </select>
      </div>
      <div className="filter">
        <label htmlFor="filter-kind">Kind</label>
        <select id="filter-kind" name="kind" defaultValue={filters.kind} key={`k-${filters.kind}`}>
          <option value="">Every kind</option>
          {Object.entries(MISMATCH_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </>
  )
}

/** Both plans side by side on the restaurant's floor: each table marked legacy, V3, both or neither. */
function ComparisonCard({
  comparison: c,
  floor,
  filters,
}: {
  comparison: Comparison
  floor: ShadowPayload['floors'][string]
  filters: ShadowPageFilters
}) {
  const legacy = new Set(c.legacy.tables)
  const v3 = new Set(c.v3.tables)
  return (
    <li className="panel shadow-card" data-testid="shadow-comparison">
      <div className="shadow-card-head">
        <strong>{c.reference}</strong> · {c.restaurant} · party of {c.partySize} ·{' '}
        {new Date(c.startAt).toISOString().slice(0, 16).replace('T', ' ')} UTC ·{' '}
        <span className={c.match ? 'badge badge-good' : 'badge badge-bad'}>
          {c.match ? 'match' : MISMATCH_LABELS[c.mismatchKind ?? 'error']}
        </span>{' '}
        <Link to={`?${shadowSearch({ ...filters, booking: c.bookingId })}`}>timeline</Link> ·{' '}
        <Link to={`/bookings/${c.bookingId}`}>booking page</Link>
      </div>
      <div className="grid-2">
        <PlanSide title="Legacy" side={c.legacy} />
        <PlanSide title="V3" side={c.v3} />
      </div>
      {floor.length > 0 ? (
        <div
          className="shadow-floor"
          role="img"
          aria-label={`Floor: legacy ${c.legacy.tables.join('+') || 'none'}, V3 ${c.v3.tables.join('+') || 'none'}`}
        >
          {floor.map((table) => {
            const mark =
              legacy.has(table.key) && v3.has(table.key)
                ? 'both'
                : legacy.has(table.key)
                  ? 'legacy'
                  : v3.has(table.key)
                    ? 'v3'
                    : 'free'
            return (
              <span
                key={table.key}
                className={`floor-table floor-${mark}`}
                title={`${table.key} (${table.capacity}): ${mark}`}
              >
                {table.key}
                <small>{table.capacity}</small>
              </span>
            )
          })}
        </div>
      ) : null}
    </li>
  )
}

function PlanSide({ title, side }: { title: string; side: Comparison['legacy'] | Comparison['v3'] }) {
  return (
    <div>
      <h3>{title}</h3>
      <p>
        {side.tables.length > 0 ? side.tables.join(' + ') : 'no tables'} · {side.outcome} · {formatMs(side.durationMs)}{' '}
        ms
      </p>
      {'reason' in side && side.reason ? <p className="muted">{side.reason}</p> : null}
    </div>
  )
}

function Timeline({ timeline, close }: { timeline: NonNullable<ShadowPayload['timeline']>; close: string }) {
  return (
    <section className="panel" aria-labelledby="timeline-title" data-testid="shadow-timeline">
      <h2 id="timeline-title" className="section-title">
        Booking {timeline.booking.reference}: {timeline.booking.assignmentState} (version {timeline.booking.version}){' '}
        <Link to={close}>close</Link>
      </h2>
      <DataTable
        caption="State transitions"
        rows={timeline.transitions}
        rowKey={(t, i) => `${t.version}-${i}`}
        columns={[
          { key: 'at', label: 'At', render: (t) => t.at.slice(11, 23) },
          { key: 'move', label: 'Transition', render: (t) => `${t.from ?? '—'} → ${t.to}` },
          { key: 'v', label: 'Version', numeric: true, render: (t) => t.version },
          { key: 'who', label: 'Actor', render: (t) => `${t.actor}${t.pipeline ? ` (${t.pipeline})` : ''}` },
        ]}
      />
      <DataTable
        caption="Attempts"
        rows={timeline.attempts}
        rowKey={(a, i) => `${a.number}-${i}`}
        columns={[
          { key: 'n', label: '#', numeric: true, render: (a) => a.number },
          { key: 'p', label: 'Pipeline', render: (a) => `${a.pipeline} · ${a.trigger}` },
          { key: 'o', label: 'Outcome', render: (a) => `${a.outcome}${a.reason ? ` (${a.reason})` : ''}` },
          { key: 't', label: 'Tables', render: (a) => a.tables.join(' + ') || '—' },
          { key: 'd', label: 'ms', numeric: true, render: (a) => formatMs(a.durationMs) },
        ]}
      />
      <DataTable
        caption="Events"
        rows={timeline.events}
        rowKey={(e, i) => `${e.at}-${i}`}
        columns={[
          { key: 'at', label: 'At', render: (e) => e.at.slice(11, 23) },
          { key: 'type', label: 'Type', render: (e) => e.type },
          { key: 'source', label: 'Source', render: (e) => e.source },
        ]}
      />
    </section>
  )
}
