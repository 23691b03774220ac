import { Form } from '@remix-run/react'

/** Retry automatically, cancel with a reason, add a note: each its own form. */
export function OtherActions({ version, busy, inReview }: { version: number; busy: boolean; inReview: boolean }) {
  return (
    <div className="review-other-actions">
      {inReview ? (
        <>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="retry" />
            <input type="hidden" name="expectedVersion" value={version} />
            <p className="muted">The engine tries once more on the floor as it is now.</p>
            <button type="submit" className="button button-secondary" disabled={busy}>
              Let the engine try again
            </button>
          </Form>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="cancel" />
            <input type="hidden" name="expectedVersion" value={version} />
            <div className="field">
              <label htmlFor="cancel-reason">Reason for cancelling</label>
              <input id="cancel-reason" name="reason" type="text" required maxLength={500} />
            </div>
            <button type="submit" className="button button-danger" disabled={busy}>
              Cancel booking
            </button>
          </Form>
        </>
      ) : null}
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="note" />
        <div className="field">
          <label htmlFor="note-body">Note</label>
          <textarea id="note-body" name="body" rows={2} required maxLength={2000} />
        </div>
        <button type="submit" className="button button-secondary" disabled={busy}>
          Add note
        </button>
      </Form>
    </div>
  )
}
