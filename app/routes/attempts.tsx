import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CategoryBarChart } from '../components/bar-chart.tsx'
import { ChartFrame } from '../components/chart-frame.tsx'
import { DataTable } from '../components/data-table.tsx'
import { EmptyState } from '../components/empty-state.tsx'
import { FilterBar } from '../components/filter-bar.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { PERCENTILE_PALETTE } from '../components/palette.ts'
import { Tile, Tiles } from '../components/tile.tsx'
import { TimeSeriesChart, clipFor, clipNote } from '../components/time-series-chart.tsx'
import { loadAttempts, type AttemptsPayload } from '../utils/attempts.server.ts'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { dashboardSearch, parseDashboardFilters, rangeLabel } from '../utils/dashboard-filters.ts'
import { formatCount, formatMs, formatPct } from '../utils/format.ts'
import { RETRY_DECISION_NOTES } from '../utils/retry-decision-notes.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Attempts · Maitre' }]

const REFRESH_MS = 10_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return loadAttempts(context, parseDashboardFilters(new URL(request.url).searchParams))
}

const fmt = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(2))

export default function Attempts() {
  const initial = useLoaderData<typeof loader>() as AttemptsPayload
  const search = dashboardSearch(initial.filters)
  const live = useLiveData<AttemptsPayload>(`/resources/attempts?${search}`, initial, REFRESH_MS)
  const data = live.data
  const s = data.summary
  const csvHref = `/resources/attempts?${search}&format=csv`
  const tts = data.timeToSuccess.p50.map((p, i) => ({
    t: p.t,
    p50: p.value,
    p95: data.timeToSuccess.p95[i]?.value ?? null,
  }))
  const clip = clipFor(tts.flatMap((p) => [p.p50, p.p95]).filter((v): v is number => v !== null))
  const jobsTotal = data.flow.jobs.reduce((sum, j) => sum + j.count, 0)
  const decisionsTotal = data.retryDecisions.reduce((sum, d) => sum + d.count, 0)

  return (
    <>
      <PageHeader
        title="Attempts"
        description="How many tries bookings take, the path they take, and how long until they are seated."
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>
      <FilterBar filters={data.filters} restaurants={data.restaurants} />
      {data.flow.inline.runs === 0 && jobsTotal === 0 ? (
        <EmptyState title={`No inline runs or jobs in the ${rangeLabel(data.filters)}`} testId="attempts-empty">
          <p className="muted">Bookings that are not seated inline become background jobs; they show up here.</p>
        </EmptyState>
      ) : (
        <>
          <Tiles testId="attempts-tiles">
            <Tile label="Jobs" value={formatCount(s.job_attempts_sample_size ?? 0)} testId="tile-jobs" />
            <Tile
              label="Avg attempts"
              value={fmt(s.avg_attempts)}
              note={`p50 ${fmt(s.attempts_p50)} · p95 ${fmt(s.attempts_p95)} · max ${fmt(s.attempts_max)}`}
              testId="tile-avg-attempts"
            />
            <Tile label="Job success rate" value={formatPct(s.job_success_rate)} testId="tile-job-success" />
            <Tile
              label="Time to success p95"
              value={formatMs(s.time_to_success_p95)}
              unit="ms"
              note={`p50 ${formatMs(s.time_to_success_p50)} ms`}
            />
          </Tiles>

          <section className="panel" aria-label="Booking path" data-testid="attempts-flow">
            <h2>The path bookings take</h2>
            <div className="flow">
              <div className="flow-step">
                Inline runs<strong>{formatCount(data.flow.inline.runs)}</strong>
              </div>
              <span className="flow-arrow" aria-hidden="true">
                →
              </span>
              <div className="flow-step">
                Seated inline<strong>{formatCount(data.flow.inline.confirmed)}</strong>
              </div>
              <div className="flow-step">
                Queued for the job<strong>{formatCount(data.flow.inline.queued + data.flow.inline.timedOut)}</strong>
                <span className="muted">{formatCount(data.flow.inline.timedOut)} after a timeout</span>
              </div>
              <span className="flow-arrow" aria-hidden="true">
                →
              </span>
              {data.flow.jobs.map((j) => (
                <div className="flow-step" key={j.label}>
                  Job: {j.label.replace(/_/g, ' ')}
                  <strong>{formatCount(j.count)}</strong>
                </div>
              ))}
            </div>
          </section>

          <ChartFrame
            title="Attempts per job"
            meta="finished jobs by attempts used"
            csvHref={csvHref}
            empty={data.histogram.length === 0 ? 'No finished jobs in this window.' : null}
            table={
              <DataTable
                rows={data.histogram}
                rowKey={(h) => String(h.attempts)}
                columns={[
                  { key: 'a', label: 'Attempts', numeric: true, render: (h) => h.attempts },
                  { key: 'j', label: 'Jobs', numeric: true, render: (h) => formatCount(h.jobs) },
                ]}
              />
            }
          >
            <CategoryBarChart
              label="Jobs by number of attempts"
              data={data.histogram.map((h) => ({ name: String(h.attempts), value: h.jobs }))}
            />
          </ChartFrame>

          <ChartFrame
            title="Retry policy v2 decisions"
            meta="job attempts v2 skipped, relaxed or cut short"
            csvHref={csvHref}
            testId="retry-decisions"
            empty={
              decisionsTotal === 0
                ? 'No retry policy v2 decision in this window: the policy is off here, or no job needed one.'
                : null
            }
            table={
              <DataTable
                testId="retry-decisions-table"
                rows={data.retryDecisions}
                rowKey={(d) => d.decision}
                columns={[
                  { key: 'd', label: 'Decision', render: (d) => RETRY_DECISION_NOTES[d.decision].label },
                  { key: 'c', label: 'Count', numeric: true, render: (d) => formatCount(d.count) },
                  { key: 'm', label: 'What it means', render: (d) => RETRY_DECISION_NOTES[d.decision].meaning },
                  { key: 's', label: 'What it saves', render: (d) => RETRY_DECISION_NOTES[d.decision].saves },
                ]}
              />
            }
          >
            <CategoryBarChart
              label="Retry policy v2 decisions by kind"
              data={data.retryDecisions.map((d) => ({ name: RETRY_DECISION_NOTES[d.decision].label, value: d.count }))}
            />
            <ul className="link-list" data-testid="retry-decision-notes">
              {data.retryDecisions.map((d) => (
                <li key={d.decision}>
                  <strong>
                    {RETRY_DECISION_NOTES[d.decision].label}: {formatCount(d.count)}
                  </strong>{' '}
                  <span className="muted">
                    {RETRY_DECISION_NOTES[d.decision].meaning} Saves: {RETRY_DECISION_NOTES[d.decision].saves}
                  </span>
                </li>
              ))}
            </ul>
          </ChartFrame>

          <ChartFrame
            title="Time to success"
            meta="jobs that seated their booking"
            note={clipNote(clip, 'ms')}
            empty={tts.every((p) => p.p50 === null) ? 'No job seated a booking in this window.' : null}
            table={
              <DataTable
                rows={tts.filter((p) => p.p50 !== null)}
                rowKey={(p) => String(p.t)}
                columns={[
                  { key: 't', label: 'Bucket start', render: (p) => new Date(p.t).toLocaleString() },
                  { key: 'p50', label: 'p50 (ms)', numeric: true, render: (p) => formatMs(p.p50) },
                  { key: 'p95', label: 'p95 (ms)', numeric: true, render: (p) => formatMs(p.p95) },
                ]}
              />
            }
          >
            <TimeSeriesChart
              label="Time to success p50 and p95 over time"
              data={tts}
              range={data.range}
              unit="ms"
              clip={clip}
              series={[
                { key: 'p50', label: 'p50', color: PERCENTILE_PALETTE.p50 },
                { key: 'p95', label: 'p95', color: PERCENTILE_PALETTE.p95 },
              ]}
            />
          </ChartFrame>

          <section className="panel" aria-label="Recent jobs">
            <h2>Recent jobs</h2>
            <DataTable
              testId="recent-jobs"
              rows={data.recent}
              rowKey={(r, i) => `${r.occurredAt}-${i}`}
              columns={[
                { key: 'at', label: 'Finished', render: (r) => new Date(r.occurredAt).toLocaleString() },
                { key: 'r', label: 'Restaurant', render: (r) => r.restaurant ?? '—' },
                { key: 'res', label: 'Result', render: (r) => r.result },
                { key: 'att', label: 'Attempts', numeric: true, render: (r) => r.attempts },
                { key: 'd', label: 'Duration (ms)', numeric: true, render: (r) => formatMs(r.durationMs) },
                {
                  key: 'b',
                  label: 'Timeline',
                  render: (r) =>
                    r.bookingId ? (
                      <>
                        <Link to={`/bookings/${r.bookingId}`}>booking timeline</Link>{' '}
                        <Link className="muted" to={`/events?booking=${r.bookingId}`}>
                          events
                        </Link>
                      </>
                    ) : (
                      '—'
                    ),
                },
              ]}
              empty="No finished jobs yet."
            />
          </section>
        </>
      )}
    </>
  )
}
