import type { TimelineEntry } from '../../../server/review/review-types.ts'

const clock = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso))

/** Attempts, reasons, state changes, notes and staff actions in the order they happened. */
export function Timeline({ entries, timeZone }: { entries: TimelineEntry[]; timeZone: string }) {
  if (entries.length === 0) return <p className="muted">Nothing has happened to this booking yet.</p>
  return (
    <ol className="review-timeline" data-testid="review-timeline">
      {entries.map((entry, index) => (
        <li key={`${entry.at}-${index}`} className={`review-timeline-${entry.kind}`}>
          <time dateTime={entry.at}>{clock(entry.at, timeZone)}</time>
          <div>
            <strong>{entry.title}</strong>
            {entry.actor ? <span className="muted"> · {entry.actor}</span> : null}
            {entry.detail ? <div className="review-timeline-detail">{entry.detail}</div> : null}
          </div>
        </li>
      ))}
    </ol>
  )
}
