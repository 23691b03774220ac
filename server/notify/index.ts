export { retryDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts'
export {
  buildConfirmationEmail,
  enqueueConfirmationEmail,
  CONFIRMATION_KIND,
  type ConfirmationEmailInput,
  type ComposedEmail,
} from './confirmation-email.ts'
export { MailSendError, toMailSendError } from './mail-errors.ts'
export {
  createMailTransport,
  parseSmtpUrl,
  DEFAULT_FROM,
  type MailMessage,
  type MailTransport,
  type MailTransportOptions,
} from './mail-transport.ts'
export {
  enqueueEmail,
  claimDueEmails,
  markSent,
  markFailedAttempt,
  listEmailsForBooking,
  type NewOutboxEmail,
  type ClaimedEmail,
  type ClaimOptions,
  type MarkSentInput,
  type FailedAttemptInput,
  type FailedAttemptResult,
  type OutboxEmail,
} from './outbox-queries.ts'
export { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions, type DrainResult } from './outbox-worker.ts'
