import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useSubmit } from '@remix-run/react'
import { useQuery } from '@tanstack/react-query'
import { LatencyChart, PERCENTILE_COLORS } from '../components/latency-chart.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { formatCount, formatMs, formatPct } from '../utils/format.ts'
import {
  PERCENTILE_TRIGGERS,
  PERCENTILE_WINDOWS,
  parsePercentilesFilters,
  percentilesSearch,
  type PercentilesFilters,
} from '../utils/percentiles-filters.ts'
import { loadPercentiles, type PercentilesPayload } from '../utils/percentiles.server.ts'
import { useHydrated } from '../utils/use-hydrated.ts'

export const meta: MetaFunction = () => [{ title: 'Latency percentiles · Maitre' }]

const REFRESH_MS = 5_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const filters = parsePercentilesFilters(new URL(request.url).searchParams)
  return loadPercentiles(context, filters)
}

class RefreshError extends Error {}

async function fetchPercentiles(filters: PercentilesFilters, signal: AbortSignal): Promise<PercentilesPayload> {
  const response = await fetch(`/resources/percentiles?${percentilesSearch(filters)}`, {
    signal,
    headers: { Accept: 'application/json' },
  })
  const isJson = response.headers.get('Content-Type')?.includes('application/json') ?? false
  if (response.redirected || !isJson) throw new RefreshError('Your session ended; reload the page to sign in again.')
  if (response.status === 403) throw new RefreshError('Your role no longer allows this dashboard.')
  if (!response.ok) throw new RefreshError(`The server answered ${response.status}.`)
  return (await response.json()) as PercentilesPayload
}

export default function Percentiles() {
  const initial = useLoaderData<typeof loader>()
  const filters = initial.filters
  const query = useQuery({
    queryKey: ['percentiles', filters.window, filters.restaurant, filters.trigger],
    queryFn: ({ signal }) => fetchPercentiles(filters, signal),
    initialData: initial,
    initialDataUpdatedAt: initial.generatedAt,
    refetchInterval: REFRESH_MS,
  })
  const data = query.data
  const { planner, inline } = data
  const windowLabel = PERCENTILE_WINDOWS[filters.window].label.toLowerCase()
  const restaurantName = data.restaurants.find((r) => r.slug === filters.restaurant)?.name
  const empty = planner.totals.count === 0 && inline.totals.runs === 0

  return (
    <>
      <PageHeader
        title="Latency percentiles"
        description="How long the planner takes per call, and how inline auto-assign does within its deadline."
      >
        <LiveStatus updatedAt={query.dataUpdatedAt} error={query.isError ? query.error : null} />
      </PageHeader>

      <FilterForm filters={filters} restaurants={data.restaurants} />

      {data.unknownRestaurant ? (
        <div className="alert alert-warning" role="status">
          No restaurant has the slug <code>{data.unknownRestaurant}</code>; showing every restaurant.
        </div>
      ) : null}

      {empty ? (
        <section className="panel empty-state" data-testid="percentiles-empty">
          <h2>
            No planner telemetry in the {windowLabel}
            {restaurantName ? ` for ${restaurantName}` : ''}
          </h2>
          <p className="muted">Points appear here as bookings arrive; this page refreshes by itself every 5 seconds.</p>
          <ul>
            <li>
              Send bookings through <code>POST /api/bookings</code>, or start in demo mode (<code>MAITRE_DEMO=1</code>)
              so the traffic simulator sends them.
            </li>
            <li>
              Widen the window: <Link to={`?${percentilesSearch({ ...filters, window: '7d' })}`}>last 7 days</Link>
              {filters.restaurant || filters.trigger !== 'all' ? (
                <>
                  , or <Link to="?window=7d">every restaurant and caller</Link>
                </>
              ) : null}
              .
            </li>
          </ul>
        </section>
      ) : (
        <>
          <div className="tiles" data-testid="percentile-tiles">
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
          </div>

          <section className="panel">
            <div className="panel-header">
              <h2>Planner duration</h2>
              <span className="muted">
                {PERCENTILE_TRIGGERS[filters.trigger]} · {restaurantName ?? 'all restaurants'} · per{' '}
                {bucketLabel(data.range.bucketSeconds)}
              </span>
            </div>
            <LatencyChart
              label="Planner duration p50, p90, p95 and p99 over time"
              data={planner.buckets}
              range={data.range}
              series={[
                { key: 'p50', label: 'p50', color: PERCENTILE_COLORS.p50 },
                { key: 'p90', label: 'p90', color: PERCENTILE_COLORS.p90 },
                { key: 'p95', label: 'p95', color: PERCENTILE_COLORS.p95 },
                { key: 'p99', label: 'p99', color: PERCENTILE_COLORS.p99 },
              ]}
            />
          </section>

          <h2 className="section-title">Inline auto-assign</h2>
          <div className="tiles">
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
          </div>
          <section className="panel">
            <div className="panel-header">
              <h2>Inline duration</h2>
              <span className="muted">
                request to answer, under the inline deadline · {restaurantName ?? 'all restaurants'}
              </span>
            </div>
            {inline.totals.runs === 0 ? (
              <p className="muted">No inline runs in the {windowLabel}.</p>
            ) : (
              <LatencyChart
                label="Inline auto-assign duration p50, p95 and p99 over time"
                data={inline.buckets}
                range={data.range}
                height={240}
                series={[
                  { key: 'p50', label: 'p50', color: PERCENTILE_COLORS.p50 },
                  { key: 'p95', label: 'p95', color: PERCENTILE_COLORS.p95 },
                  { key: 'p99', label: 'p99', color: PERCENTILE_COLORS.p99 },
                ]}
              />
            )}
          </section>
        </>
      )}
    </>
  )
}

function FilterForm({
  filters,
  restaurants,
}: {
  filters: PercentilesFilters
  restaurants: Array<{ slug: string; name: string }>
}) {
  const submit = useSubmit()
  // A plain GET form: works without JavaScript (Apply); with it, a change applies at once.
  return (
    <Form
      method="get"
      className="filters"
      aria-label="Filters"
      onChange={(event) => submit(event.currentTarget, { preventScrollReset: true, replace: true })}
    >
      <div className="filter">
        <label htmlFor="filter-window">Time window</label>
        <select id="filter-window" name="window" defaultValue={filters.window} key={`w-${filters.window}`}>
          {Object.entries(PERCENTILE_WINDOWS).map(([value, option]) => (
            <option key={value} value={value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor="filter-restaurant">Restaurant</label>
        <select
          id="filter-restaurant"
          name="restaurant"
          defaultValue={filters.restaurant}
          key={`r-${filters.restaurant}`}
        >
          <option value="">All restaurants</option>
          {restaurants.map((r) => (
            <option key={r.slug} value={r.slug}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
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
      <button type="submit" className="button button-secondary">
        Apply
      </button>
    </Form>
  )
}

function Tile({
  label,
  value,
  unit,
  note,
  small,
  testId,
}: {
  label: string
  value: string
  unit?: string
  note?: string
  small?: boolean
  testId?: string
}) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="tile-label">{label}</div>
      <div className={small ? 'tile-value tile-value-small' : 'tile-value'}>
        {value}
        {unit && value !== '—' ? <span className="tile-unit">{unit}</span> : null}
      </div>
      {note ? <div className="tile-note">{note}</div> : null}
    </div>
  )
}

function LiveStatus({ updatedAt, error }: { updatedAt: number; error: Error | null }) {
  const hydrated = useHydrated()
  if (!hydrated) return null // without JavaScript there is no live refresh: reload for new data
  if (error) {
    return (
      <span className="live" role="status">
        <span className="live-dot paused" aria-hidden="true" />
        Live refresh paused: {error instanceof RefreshError ? error.message : 'the server did not answer.'}
      </span>
    )
  }
  return (
    <span className="live" role="status" data-testid="live-status">
      <span className="live-dot" aria-hidden="true" />
      Live · every {REFRESH_MS / 1000} s · updated {new Date(updatedAt).toLocaleTimeString()}
    </span>
  )
}

function bucketLabel(seconds: number): string {
  if (seconds % 3_600 === 0) return seconds === 3_600 ? 'hour' : `${seconds / 3_600} hours`
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`
  return `${seconds} s`
}
