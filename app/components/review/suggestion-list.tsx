import { Form } from '@remix-run/react'
import type { ReviewSuggestion } from '../../../server/review/review-types.ts'

const clock = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  )

/**
 * The planner's plans with one constraint relaxed at a time. Each is its own form (seat here,
 * works without JavaScript); with JavaScript "Show on floor" selects its tables instead.
 */
export function SuggestionList({
  suggestions,
  version,
  timeZone,
  canAct,
  busy,
  onPick,
}: {
  suggestions: ReviewSuggestion[]
  version: number
  timeZone: string
  canAct: boolean
  busy: boolean
  onPick?: (suggestion: ReviewSuggestion) => void
}) {
  if (suggestions.length === 0) {
    return (
      <p className="muted" data-testid="no-suggestions">
        The planner found no plan even with one constraint relaxed. Pick tables on the floor, move the booking, or call
        the guest.
      </p>
    )
  }
  return (
    <ul className="review-suggestions" data-testid="suggestions">
      {suggestions.map((suggestion) => {
        const tables = suggestion.tables.join(' + ')
        const action = suggestion.reseat
          ? `Move ${suggestion.reseat.map((move) => move.reference).join(', ')} and seat at ${tables}`
          : suggestion.moves
            ? `Move to ${clock(suggestion.startAt, timeZone)} and seat at ${tables}`
            : `Seat at ${tables}`
        return (
          <li key={suggestion.id} className="review-suggestion" data-testid="suggestion">
            <div className="review-suggestion-text">
              <strong>{suggestion.label}</strong>
              <span>
                {tables} · {suggestion.zone}
                {suggestion.moves ? ` · at ${clock(suggestion.startAt, timeZone)}` : ''}
              </span>
              <span className="muted">{suggestion.fit}</span>
            </div>
            {canAct ? (
              <div className="review-suggestion-actions">
                {onPick ? (
                  <button type="button" className="button button-secondary" onClick={() => onPick(suggestion)}>
                    Show on floor
                  </button>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="intent" value="seat" />
                  <input type="hidden" name="expectedVersion" value={version} />
                  <input type="hidden" name="startAt" value={suggestion.startAt} />
                  <input type="hidden" name="suggestion" value={suggestion.id} />
                  {suggestion.tables.map((key) => (
                    <input key={key} type="hidden" name="tables" value={key} />
                  ))}
                  <button type="submit" className="button button-primary" disabled={busy}>
                    {action}
                  </button>
                </Form>
              </div>
            ) : null}
          </li>
        )
      })}
    </ul>
  )
}
