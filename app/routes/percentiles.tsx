import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ChartFrame } from '../components/chart-frame.tsx'
import { DataTable } from '../components/data-table.tsx'
import { EmptyState } from '../components/empty-state.tsx'
import { FilterBar } from '../components/filter-bar.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { PERCENTILE_PALETTE } from '../components/palette.ts'
import { Tile, Tiles } from '../components/tile.tsx'
import { TimeSeriesChart, clipFor, clipNote } from '../components/time-series-chart.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { rangeLabel } from '../utils/dashboard-filters.ts'
import { formatCount, formatMs, formatPct } from '../utils/format.ts'
import {
  PERCENTILE_TRIGGERS,
  parsePercentilesFilters,
  percentilesSearch,
  type PercentilesFilters,
} from '../utils/percentiles-filters.ts'
import { loadPercentiles, type PercentilesPayload } from '../utils/percentiles.server.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Latency percentiles · Maitre' }]

const REFRESH_MS = 5_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return loadPercentiles(context, parsePercentilesFilters(new URL(request.url).searchParams))
}

const PLANNER_SERIES = [
  { key: 'p50', label: 'p50', color: PERCENTILE_PALETTE.p50 },
  { key: 'p90', label: 'p90', color: PERCENTILE_PALETTE.p90 },
  { key: 'p95', label: 'p95', color: PERCENTILE_PALETTE.p95 },
  { key: 'p99', label: 'p99', color: PERCENTILE_PALETTE.p99 },
]
const INLINE_SERIES = [
  { key: 'p50', label: 'p50', color: PERCENTILE_PALETTE.p50 },
  { key: 'p95', label: 'p95', color: PERCENTILE_PALETTE.p95 },
  { key: 'p99', label: 'p99', color: PERCENTILE_PALETTE.p99 },
]

type Bucket = { t: number } & Record<string, number | null>

export default function Percentiles() {
  const initial = useLoaderData<typeof loader>() as PercentilesPayload
  const search = percentilesSearch(initial.filters)
  const live = useLiveData<PercentilesPayload>(`/resources/percentiles?${search}`, initial, REFRESH_MS)
  const data = live.data
  const filters = data.filters
  const { planner, inline } = data
  const windowLabel = rangeLabel(filters)
  const restaurantName = data.restaurants.find((r) => r.slug === filters.restaurant)?.name
  const empty = planner.totals.count === 0 && inline.totals.runs === 0
  const plannerClip = clipFor(
    planner.buckets.flatMap((b) => PLANNER_SERIES.map((s) => b[s.key as 'p50']).filter(isNumber)),
  )
  const inlineClip = clipFor(
    inline.buckets.flatMap((b) => INLINE_SERIES.map((s) => b[s.key as 'p50']).filter(isNumber)),
  )
  const csvHref = `/resources/percentiles?${search}&format=csv`

  return (
    <>
      <PageHeader
        title="Latency percentiles"
        description="How long the planner takes per call, and how inline auto-assign does within its deadline."
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>

      <FilterBar filters={filters} restaurants={data.restaurants}>
        <TriggerFilter filters={filters} />
      </FilterBar>

      {data.unknownRestaurant ? (
        <div className="alert alert-warning" role="status">
          No restaurant has the slug <code>{data.unknownRestaurant}</code>; showing every restaurant.
        </div>
      ) : null}

      {empty ? (
        <EmptyState
          title={`No planner telemetry in the ${windowLabel}${restaurantName ? ` for ${restaurantName}` : ''}`}
          testId="percentiles-empty"
        >
          <p className="muted">Points appear here as bookings arrive; this page refreshes by itself every 5 seconds.</p>
          <ul>
            <li>
              Send bookings through <code>POST /api/bookings</code>, or start in demo mode (<code>MAITRE_DEMO=1</code>)
              so the traffic simulator sends them.
            </li>
            <li>
              Widen the window:{' '}
              <Link to={`?${percentilesSearch({ ...filters, window: '7d', from: undefined, to: undefined })}`}>
                last 7 days
              </Link>
              {filters.restaurant || filters.trigger !== 'all' ? (
                <>
                  , or <Link to="?window=7d">every restaurant and caller</Link>
                </>
              ) : null}
              .
            </li>
          </ul>
        </EmptyState>
      ) : (
        <>
          <Tiles testId="percentile-tiles">
            <Tile
              label="Planner p50"
              value={formatMs(planner.totals.p50)}
              unit="ms"
              note={`${formatCount(planner.totals.count)} planner calls`}
            />
            <Tile
              label="Planner p95"
              value={formatMs(planner.totals.p95)}
              unit="ms"
              note={`p90 ${formatMs(planner.totals.p90)} ms`}
            />
            <Tile
              label="Planner p99"
              value={formatMs(planner.totals.p99)}
              unit="ms"
              note={`max ${formatMs(planner.totals.maxMs)} ms`}
            />
            <Tile
              label="Inline timeout"
              value={formatPct(inline.totals.inlineTimeoutPct)}
              note={`${formatCount(inline.totals.timeouts)} of ${formatCount(inline.totals.runs)} inline runs`}
              testId="tile-inline-timeout"
            />
          </Tiles>

          <ChartFrame
            title="Planner duration"
            meta={`${PERCENTILE_TRIGGERS[filters.trigger]} · ${restaurantName ?? 'all restaurants'} · per ${bucketLabel(data.range.bucketSeconds)}`}
            csvHref={csvHref}
            note={clipNote(plannerClip, 'ms')}
            table={<PercentileTable buckets={planner.buckets as Bucket[]} series={PLANNER_SERIES} countKey="count" />}
          >
            <TimeSeriesChart
              label="Planner duration p50, p90, p95 and p99 over time"
              data={planner.buckets}
              range={data.range}
              unit="ms"
              series={PLANNER_SERIES}
              clip={plannerClip}
            />
          </ChartFrame>

          <h2 className="section-title">Inline auto-assign</h2>
          <Tiles>
            <Tile
              label="Inline p50"
              value={formatMs(inline.totals.p50)}
              unit="ms"
              note={`${formatCount(inline.totals.runs)} runs`}
            />
            <Tile label="Inline p95" value={formatMs(inline.totals.p95)} unit="ms" />
            <Tile
              label="Inline p99"
              value={formatMs(inline.totals.p99)}
              unit="ms"
              note={`max ${formatMs(inline.totals.maxMs)} ms`}
            />
            <Tile
              label="Outcomes"
              value={`${formatCount(inline.totals.confirmed)} / ${formatCount(inline.totals.runs - inline.totals.confirmed - inline.totals.timeouts)} / ${formatCount(inline.totals.timeouts)}`}
              note="confirmed / queued / timed out"
              small
            />
          </Tiles>
          <ChartFrame
            title="Inline duration"
            meta={`request to answer, under the inline deadline · ${restaurantName ?? 'all restaurants'}`}
            empty={inline.totals.runs === 0 ? `No inline runs in the ${windowLabel}.` : null}
            note={clipNote(inlineClip, 'ms')}
            table={<PercentileTable buckets={inline.buckets as Bucket[]} series={INLINE_SERIES} countKey="runs" />}
          >
            <TimeSeriesChart
              label="Inline auto-assign duration p50, p95 and p99 over time"
              data={inline.buckets}
              range={data.range}
              height={240}
              unit="ms"
              series={INLINE_SERIES}
              clip={inlineClip}
            />
          </ChartFrame>
        </>
      )}
    </>
  )
}

function TriggerFilter({ filters }: { filters: PercentilesFilters }) {
  return (
    <div className="filter">
      <label htmlFor="filter-trigger">Planner caller</label>
      <select id="filter-trigger" name="trigger" defaultValue={filters.trigger} key={`t-${filters.trigger}`}>
        {Object.entries(PERCENTILE_TRIGGERS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  )
}

function PercentileTable({
  buckets,
  series,
  countKey,
}: {
  buckets: Bucket[]
  series: Array<{ key: string; label: string }>
  countKey: string
}) {
  return (
    <DataTable
      rows={buckets.filter((b) => (b[countKey] ?? 0) > 0)}
      rowKey={(b) => String(b.t)}
      caption="Percentiles per bucket"
      columns={[
        { key: 't', label: 'Bucket start', render: (b) => new Date(b.t).toLocaleString() },
        { key: 'n', label: 'Count', numeric: true, render: (b) => formatCount(b[countKey] ?? 0) },
        ...series.map((s) => ({
          key: s.key,
          label: `${s.label} (ms)`,
          numeric: true,
          render: (b: Bucket) => formatMs(b[s.key]),
        })),
      ]}
      empty="No data in this window."
    />
  )
}

const isNumber = (v: number | null | undefined): v is number => typeof v === 'number'

function bucketLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'day' : `${seconds / 86_400} days`
  if (seconds % 3_600 === 0) return seconds === 3_600 ? 'hour' : `${seconds / 3_600} hours`
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`
  return `${seconds} s`
}
