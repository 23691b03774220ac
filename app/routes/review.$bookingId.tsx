import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  Link,
  redirect,
  useActionData,
  useLoaderData,
  useNavigation,
  type ShouldRevalidateFunction,
} from '@remix-run/react'
import { useState } from 'react'
import { z } from 'zod'
import { FloorView } from '../components/floor-view.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { BookingSummary } from '../components/review/booking-summary.tsx'
import { OtherActions } from '../components/review/other-actions.tsx'
import { SeatForm } from '../components/review/seat-form.tsx'
import { SuggestionList } from '../components/review/suggestion-list.tsx'
import { Timeline } from '../components/review/timeline.tsx'
import reviewStyles from '../styles/review.css?url'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { userHasPermission } from '../utils/permissions.ts'
import { actorOf, asActionError, type ActionError } from '../utils/review.server.ts'
import { useHydrated } from '../utils/use-hydrated.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Review ${data.detail.booking.reference} · Maitre` : 'Review booking · Maitre' },
]
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }]

const bookingIdSchema = z.string().uuid()

// A 409 means someone else changed the booking: show what it is now, beside the message saying who.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 409 ? true : defaultShouldRevalidate

function notFound(id: string): Response {
  return new Response(`There is no booking ${id}`, { status: 404 })
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:review:any')
  const id = bookingIdSchema.safeParse(params.bookingId)
  if (!id.success) throw notFound(params.bookingId ?? '')
  const detail = await context.engine.review.detail(id.data)
  if (!detail) throw notFound(id.data)
  return {
    detail,
    canAct: userHasPermission(user, 'update:review:any'),
    // the full timeline (/bookings/:id) is an ops page: staff without dashboards do not get the link
    canSeeTimeline: userHasPermission(user, 'read:dashboard:any'),
    now: Date.now(),
  }
}

const version = z
  .string()
  .regex(/^\d{1,10}$/, 'version must be a number')
  .transform(Number)
const intentSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('seat'),
    expectedVersion: version,
    tables: z.array(z.string()).min(1, 'Pick at least one table'),
    startAt: z.string().optional(),
    suggestion: z.string().optional(),
  }),
  z.object({ intent: z.literal('retry'), expectedVersion: version }),
  z.object({ intent: z.literal('cancel'), expectedVersion: version, reason: z.string() }),
  z.object({ intent: z.literal('note'), body: z.string() }),
])

export interface ActionAnswer {
  intent: string
  error?: ActionError
  notice?: string
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'update:review:any')
  const id = bookingIdSchema.safeParse(params.bookingId)
  if (!id.success) throw notFound(params.bookingId ?? '')
  const form = await request.formData()
  const parsed = intentSchema.safeParse({
    intent: form.get('intent'),
    expectedVersion: form.get('expectedVersion') ?? undefined,
    tables: form.getAll('tables').map(String),
    startAt: form.get('startAt') || undefined,
    suggestion: form.get('suggestion') || undefined,
    reason: form.get('reason') ?? '',
    body: form.get('body') ?? '',
  })
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    return Response.json(
      {
        intent: String(form.get('intent')),
        error: { code: 'VALIDATION_FAILED', message: first?.message ?? 'Invalid form' },
      },
      { status: 400 },
    )
  }
  const input = parsed.data
  const actor = actorOf(user)
  const review = context.engine.review
  try {
    if (input.intent === 'seat') {
      const seated = await review.seat({
        bookingId: id.data,
        tables: input.tables,
        expectedVersion: input.expectedVersion,
        startAt: input.startAt,
        suggestion: input.suggestion,
        actor,
      })
      const search = new URLSearchParams({
        done: 'seated',
        ref: seated.booking.reference,
        tables: seated.tables.join(' + '),
      })
      return redirect(`/review?${search}`)
    }
    if (input.intent === 'retry') {
      const retried = await review.retry({ bookingId: id.data, expectedVersion: input.expectedVersion, actor })
      if (retried.outcome === 'confirmed') {
        const search = new URLSearchParams({
          done: 'retried',
          ref: retried.booking.reference,
          tables: retried.booking.tables.join(' + '),
        })
        return redirect(`/review?${search}`)
      }
      return Response.json({
        intent: 'retry',
        notice: retried.reasonText
          ? `The engine tried again and still could not seat it. ${retried.reasonText}`
          : 'The engine tried again.',
      } satisfies ActionAnswer)
    }
    if (input.intent === 'cancel') {
      const cancelled = await review.cancel({
        bookingId: id.data,
        expectedVersion: input.expectedVersion,
        reason: input.reason,
        actor,
      })
      return redirect(`/review?${new URLSearchParams({ done: 'cancelled', ref: cancelled.reference })}`)
    }
    await review.note({ bookingId: id.data, body: input.body, actor })
    return Response.json({ intent: 'note', notice: 'Note added.' } satisfies ActionAnswer)
  } catch (error) {
    const answer = asActionError(error)
    if (!answer) throw error
    return Response.json({ intent: input.intent, error: answer.error } satisfies ActionAnswer, {
      status: answer.status,
    })
  }
}

export default function ReviewBooking() {
  const { detail, canAct, canSeeTimeline, now } = useLoaderData<typeof loader>()
  const answer = useActionData<ActionAnswer>()
  const navigation = useNavigation()
  const hydrated = useHydrated()
  const busy = navigation.state === 'submitting'
  const { booking, inReview } = detail
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set())
  const [startAt, setStartAt] = useState(booking.startAt)
  const interactive = hydrated && canAct && inReview
  const toggle = (key: string) =>
    setSelected((current) => {
      const next = new Set(current)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })

  return (
    <>
      <PageHeader
        title={`${booking.reference} · ${booking.guest.name}`}
        description={`${booking.restaurantName} · ${booking.service.label}`}
      >
        {canSeeTimeline ? (
          <Link to={`/bookings/${booking.id}`} className="button button-secondary">
            Full timeline
          </Link>
        ) : null}
        <Link to="/review" className="button button-secondary">
          Back to the queue
        </Link>
      </PageHeader>

      {answer?.error ? (
        <div className="alert alert-error" role="alert" data-testid="review-error">
          {answer.error.message}
        </div>
      ) : null}
      {answer?.notice ? (
        <div className="alert alert-success" role="status" data-testid="review-notice">
          {answer.notice}
        </div>
      ) : null}
      {!inReview ? (
        <div className="alert alert-warning" role="status" data-testid="review-resolved">
          This booking is no longer waiting for a person. Its history below shows what happened.
        </div>
      ) : null}

      <BookingSummary booking={booking} inReview={inReview} now={now} />

      <div className="review-layout">
        <section className="panel" aria-labelledby="floor-title">
          <div className="panel-header">
            <h2 id="floor-title">Floor at {booking.local.time}</h2>
            <span className="muted">
              {interactive ? 'Click or press Space on free tables to pick them' : 'Free, busy until when, held'}
            </span>
          </div>
          <FloorView
            tables={detail.tables}
            zones={detail.zones}
            adjacency={detail.adjacency}
            selected={selected}
            onToggle={interactive ? toggle : undefined}
          />
          <ul className="floor-legend" aria-label="Legend">
            <li className="floor-legend-free">Free</li>
            <li className="floor-legend-suggested">In a suggestion</li>
            <li className="floor-legend-selected">Selected</li>
            <li className="floor-legend-held">Held</li>
            <li className="floor-legend-busy">Busy</li>
          </ul>
          {canAct && inReview ? (
            <SeatForm
              tables={detail.tables}
              selected={selected}
              onToggle={hydrated ? toggle : undefined}
              startAt={startAt}
              onStartAt={hydrated ? setStartAt : undefined}
              bookingStartAt={booking.startAt}
              bookingTimeLabel={booking.local.time}
              moveOptions={detail.moveOptions}
              version={booking.version}
              busy={busy}
            />
          ) : null}
        </section>

        <div className="review-side">
          {inReview ? (
            <section className="panel" aria-labelledby="suggestions-title">
              <div className="panel-header">
                <h2 id="suggestions-title">Suggestions</h2>
              </div>
              <SuggestionList
                suggestions={detail.suggestions}
                version={booking.version}
                timeZone={booking.timezone}
                canAct={canAct}
                busy={busy}
                onPick={
                  interactive
                    ? (suggestion) => {
                        setSelected(new Set(suggestion.tables))
                        setStartAt(suggestion.startAt)
                      }
                    : undefined
                }
              />
            </section>
          ) : null}
          {canAct ? (
            <section className="panel" aria-labelledby="actions-title">
              <div className="panel-header">
                <h2 id="actions-title">{inReview ? 'Other actions' : 'Notes'}</h2>
              </div>
              <OtherActions version={booking.version} busy={busy} inReview={inReview} />
            </section>
          ) : (
            <p className="muted">Your role can see this booking; staff act on it.</p>
          )}
          <section className="panel" aria-labelledby="history-title">
            <div className="panel-header">
              <h2 id="history-title">History</h2>
            </div>
            <Timeline entries={detail.timeline} timeZone={booking.timezone} />
          </section>
        </div>
      </div>
    </>
  )
}
