import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { ChartFrame } from '../components/chart-frame.tsx'
import { DataTable } from '../components/data-table.tsx'
import { EmptyState } from '../components/empty-state.tsx'
import { FilterBar } from '../components/filter-bar.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Tile, Tiles } from '../components/tile.tsx'
import { TimeSeriesChart } from '../components/time-series-chart.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { dashboardSearch, parseDashboardFilters, rangeLabel } from '../utils/dashboard-filters.ts'
import { formatCount, formatPct } from '../utils/format.ts'
import { REASON_NOTES } from '../utils/reason-notes.ts'
import { loadReasons, type ReasonsPayload } from '../utils/reasons.server.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Reasons · Maitre' }]

const REFRESH_MS = 15_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return loadReasons(context, parseDashboardFilters(new URL(request.url).searchParams))
}

export default function Reasons() {
  const initial = useLoaderData<typeof loader>() as ReasonsPayload
  const search = dashboardSearch(initial.filters)
  const live = useLiveData<ReasonsPayload>(`/resources/reasons?${search}`, initial, REFRESH_MS)
  const data = live.data
  return (
    <>
      <PageHeader
        title="Reasons"
        description="Why planner calls found no table: each reason's share over time, and what usually fixes it."
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>
      <FilterBar filters={data.filters} restaurants={data.restaurants} />
      {data.failures === 0 ? (
        <EmptyState title={`No failed planner calls in the ${rangeLabel(data.filters)}`} testId="reasons-empty">
          <p className="muted">Every planner call found a table, or none was made.</p>
        </EmptyState>
      ) : (
        <>
          <Tiles testId="reason-categories">
            <Tile label="Failed planner calls" value={formatCount(data.failures)} />
            {data.categories.map((c) => (
              <Tile
                key={c.category}
                label={`${c.category[0]!.toUpperCase()}${c.category.slice(1)}`}
                value={formatPct(c.sharePct)}
                note={`${formatCount(c.count)} failures`}
                testId={`tile-${c.category}`}
              />
            ))}
          </Tiles>
          <ChartFrame
            title="Reason shares over time"
            meta="percent of each bucket's failed planner calls, stacked"
            csvHref={`/resources/reasons?${search}&format=csv`}
            table={
              <DataTable
                rows={data.shares.filter((b) => b.total > 0)}
                rowKey={(b) => String(b.t)}
                columns={[
                  { key: 't', label: 'Bucket start', render: (b) => new Date(b.t).toLocaleString() },
                  { key: 'n', label: 'Failures', numeric: true, render: (b) => formatCount(b.total) },
                  ...data.reasons.map((r) => ({
                    key: r.reason,
                    label: r.reason,
                    numeric: true,
                    render: (b: (typeof data.shares)[number]) => formatPct(b[r.reason]),
                  })),
                ]}
              />
            }
          >
            <TimeSeriesChart
              label="Share of each failure reason over time, stacked to 100 %"
              data={data.shares}
              range={data.range}
              unit="%"
              stacked
              series={data.reasons.map((r) => ({ key: r.reason, label: r.reason }))}
            />
          </ChartFrame>
          <section className="panel" aria-label="Reasons">
            <h2>What each reason means</h2>
            <DataTable
              testId="reason-table"
              rows={data.reasons}
              rowKey={(r) => r.reason}
              columns={[
                { key: 'reason', label: 'Reason', render: (r) => <code>{r.reason}</code> },
                { key: 'category', label: 'Kind', render: (r) => r.category },
                { key: 'count', label: 'Failures', numeric: true, render: (r) => formatCount(r.count) },
                { key: 'share', label: 'Share', numeric: true, render: (r) => formatPct(r.sharePct) },
                { key: 'meaning', label: 'Means', render: (r) => REASON_NOTES[r.reason]?.meaning ?? '—' },
                { key: 'fix', label: 'Usually fixed by', render: (r) => REASON_NOTES[r.reason]?.fix ?? '—' },
              ]}
            />
          </section>
        </>
      )}
    </>
  )
}
