import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useLoaderData, useSearchParams } from '@remix-run/react'
import { PageHeader } from '../components/page-header.tsx'
import { LiveStatus } from '../components/live-status.tsx'
import { QueueList } from '../components/review/queue-list.tsx'
import reviewStyles from '../styles/review.css?url'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { loadReviewQueue, parseQueueFilters } from '../utils/review.server.ts'
import { useLiveData } from '../utils/use-live-data.ts'

export const meta: MetaFunction = () => [{ title: 'Manual review · Maitre' }]
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }]

const REFRESH_MS = 3_000

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:review:any')
  return loadReviewQueue(context, user, parseQueueFilters(new URL(request.url).searchParams))
}

const DONE_TEXT: Record<string, (ref: string, tables: string) => string> = {
  seated: (ref, tables) => `${ref} is confirmed at ${tables}. The guest's confirmation email is on its way.`,
  retried: (ref, tables) => `The engine seated ${ref} at ${tables}. The guest's confirmation email is on its way.`,
  cancelled: (ref) => `${ref} is cancelled.`,
}

export default function ReviewQueue() {
  const initial = useLoaderData<typeof loader>()
  const filters = initial.filters
  const [params] = useSearchParams()
  const search = filters.restaurant ? `?${new URLSearchParams({ restaurant: filters.restaurant })}` : ''
  const live = useLiveData(`/resources/review-queue${search}`, initial, REFRESH_MS)
  // after an action redirects here the loader's answer is newer than a cached poll: show the newer
  const data = live.data.generatedAt >= initial.generatedAt ? live.data : initial
  const done = params.get('done')
  const doneText = done && DONE_TEXT[done]?.(params.get('ref') ?? 'The booking', params.get('tables') ?? 'its tables')

  return (
    <>
      <PageHeader
        title="Manual review"
        description={
          data.canAct
            ? 'Bookings the engine could not seat, most urgent first. Open one to seat, move, retry or cancel it.'
            : 'Bookings the engine could not seat, most urgent first. Your role can watch the queue; staff act on it.'
        }
      >
        <LiveStatus updatedAt={live.updatedAt} error={live.error} intervalMs={REFRESH_MS} />
      </PageHeader>

      {doneText ? (
        <div className="alert alert-success" role="status" data-testid="review-done">
          {doneText}
        </div>
      ) : null}

      <Form method="get" className="filters" aria-label="Filter the queue">
        <div className="filter">
          <label htmlFor="restaurant">Restaurant</label>
          <select id="restaurant" name="restaurant" defaultValue={filters.restaurant ?? ''}>
            <option value="">All restaurants</option>
            {data.restaurants.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-secondary">
          Show
        </button>
      </Form>

      <p className="muted" data-testid="review-count">
        {data.count === 0 ? 'Nothing waiting' : `${data.count} booking${data.count === 1 ? '' : 's'} waiting`}
      </p>

      {data.count === 0 ? (
        <section className="panel empty-state" data-testid="review-empty">
          <h2>All clear: every booking has a table</h2>
          <p className="muted">
            When the engine cannot seat a booking it appears here at once, with why. This page updates by itself.
          </p>
        </section>
      ) : (
        <QueueList groups={data.groups} now={data.generatedAt} />
      )}
    </>
  )
}
