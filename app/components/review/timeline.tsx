import type { TimelineEntry } from '../../../server/review/review-types.ts'

const clock = (iso: string, timeZone: string, withDate: boolean) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    ...(withDate ? { day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso))

/**
 * Attempts, reasons, state changes, notes, staff actions and (on the booking timeline) events in
 * the order they happened. `withDate` prints the day too, for a story that spans days.
 */
export function Timeline({
  entries,
  timeZone,
  withDate = false,
  testId = 'review-timeline',
}: {
  entries: TimelineEntry[]
  timeZone: string
  withDate?: boolean
  testId?: string
}) {
  if (entries.length === 0) return <p className="muted">Nothing has happened to this booking yet.</p>
  return (
    <ol className={`review-timeline${withDate ? ' review-timeline-dated' : ''}`} data-testid={testId}>
      {entries.map((entry, index) => (
        <li key={`${entry.at}-${index}`} className={`review-timeline-${entry.kind}`}>
          <time dateTime={entry.at}>{clock(entry.at, timeZone, withDate)}</time>
          <div>
            <strong>{entry.title}</strong>
            {entry.actor ? <span className="muted"> · {entry.actor}</span> : null}
            {entry.detail ? <div className="review-timeline-detail">{entry.detail}</div> : null}
            {entry.facts?.length ? (
              <dl className="review-timeline-facts">
                {entry.facts.map((fact) => (
                  <div key={fact.label}>
                    <dt>{fact.label}</dt>
                    <dd>{fact.value}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  )
}
