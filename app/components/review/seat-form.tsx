import { Form } from '@remix-run/react'
import type { ReviewTable } from '../../../server/review/review-types.ts'
import { tableDescription } from '../floor-view.tsx'

/**
 * Seat (or move and seat) at tables a person picks: checkboxes that work without JavaScript,
 * kept in step with the clickable floor when it runs. Tables that cannot take the booking are
 * listed with why, but cannot be ticked.
 */
export function SeatForm({
  tables,
  selected,
  onToggle,
  startAt,
  onStartAt,
  bookingStartAt,
  bookingTimeLabel,
  moveOptions,
  version,
  busy,
}: {
  tables: ReviewTable[]
  selected: ReadonlySet<string>
  onToggle?: (key: string) => void
  startAt: string
  onStartAt?: (value: string) => void
  bookingStartAt: string
  bookingTimeLabel: string
  moveOptions: Array<{ startAt: string; label: string }>
  version: number
  busy: boolean
}) {
  const controlled = onToggle !== undefined
  return (
    <Form method="post" className="form review-seat-form" aria-label="Seat at chosen tables">
      <input type="hidden" name="intent" value="seat" />
      <input type="hidden" name="expectedVersion" value={version} />
      <fieldset className="review-table-picker">
        <legend>Tables</legend>
        <ul>
          {tables.map((table) => {
            const id = `table-${table.key}`
            const pickable = table.state === 'free'
            return (
              <li key={table.key} className={pickable ? '' : 'review-table-unavailable'}>
                <input
                  type="checkbox"
                  id={id}
                  name="tables"
                  value={table.key}
                  disabled={!pickable}
                  {...(controlled
                    ? { checked: selected.has(table.key), onChange: () => onToggle?.(table.key) }
                    : { defaultChecked: false })}
                />
                <label htmlFor={id}>{tableDescription(table)}</label>
              </li>
            )
          })}
        </ul>
      </fieldset>
      <div className="field">
        <label htmlFor="seat-start">Time</label>
        <select
          id="seat-start"
          name="startAt"
          {...(onStartAt ? { value: startAt, onChange: (e) => onStartAt(e.target.value) } : { defaultValue: startAt })}
        >
          <option value={bookingStartAt}>{bookingTimeLabel} (as booked)</option>
          {moveOptions.map((option) => (
            <option key={option.startAt} value={option.startAt}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      {startAt !== bookingStartAt ? (
        <p className="muted" data-testid="move-note">
          The floor shows the booked time; whether the tables are free at the new time is checked when you seat.
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={busy || (controlled && selected.size === 0)}>
        {startAt === bookingStartAt ? 'Seat at selected tables' : 'Move and seat at selected tables'}
      </button>
    </Form>
  )
}
