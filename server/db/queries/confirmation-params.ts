// The parameters maitre_confirm_hold (migration 0003) and maitre_v3_seat (0014) share: the
// confirmation email to queue and the attempt row to write when the booking confirms. Both
// functions take them as one run in this order, so they are built in one place.

export interface ConfirmationEmailParams {
  kind: string
  recipient: string
  subject: string
  body: string
}

export interface ConfirmedAttemptParams {
  id: string
  number: number
  pipeline: string
  strategy: unknown
  trigger: string
  startedAt: Date
  elapsedMs: number
  plan: unknown
}

/** The twelve positional parameters: email kind, recipient, subject, body, then the attempt's eight. */
export function confirmationParams(email: ConfirmationEmailParams, attempt: ConfirmedAttemptParams): unknown[] {
  return [
    email.kind,
    email.recipient,
    email.subject,
    email.body,
    attempt.id,
    attempt.number,
    attempt.pipeline,
    JSON.stringify(attempt.strategy),
    attempt.trigger,
    attempt.startedAt.toISOString(),
    attempt.elapsedMs,
    JSON.stringify(attempt.plan),
  ]
}
