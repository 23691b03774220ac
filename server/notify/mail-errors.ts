import { AppError } from '../errors.ts'

/** A failed delivery: a stable code, an actionable message, and whether a retry can help. */
export class MailSendError extends AppError {
  constructor(
    code: string,
    message: string,
    /** true when retrying cannot help (the SMTP server refused for good: a 5xx reply) */
    readonly permanent: boolean,
    readonly responseCode?: number,
  ) {
    super(code, message, 502)
    this.name = 'MailSendError'
  }
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'ECONNRESET', 'EDNS', 'ETLS'])

/** Classifies anything a transport threw (nodemailer errors carry code, responseCode, command). */
export function toMailSendError(error: unknown): MailSendError {
  if (error instanceof MailSendError) return error
  const details = (error && typeof error === 'object' ? error : {}) as {
    code?: unknown
    responseCode?: unknown
    command?: unknown
    response?: unknown
    message?: unknown
  }
  const code = typeof details.code === 'string' ? details.code : undefined
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined
  const command = typeof details.command === 'string' ? ` at ${details.command}` : ''
  const reply = typeof details.response === 'string' ? details.response : undefined
  const text = reply ?? (typeof details.message === 'string' ? details.message : String(error))

  if (code === 'EAUTH') {
    return new MailSendError(
      'MAIL_AUTH_FAILED',
      `SMTP authentication failed${responseCode ? ` (${responseCode})` : ''}: ${text}. Check the user and password in SMTP_URL; will retry.`,
      false,
      responseCode,
    )
  }
  if (responseCode !== undefined && responseCode >= 500) {
    return new MailSendError(
      'MAIL_REJECTED',
      `SMTP server refused the message${command} (${responseCode}): ${text}. Check the recipient address and the sender policy; not retried.`,
      true,
      responseCode,
    )
  }
  if (responseCode !== undefined && responseCode >= 400) {
    return new MailSendError(
      'MAIL_DEFERRED',
      `SMTP server deferred the message${command} (${responseCode}): ${text}. Will retry with backoff.`,
      false,
      responseCode,
    )
  }
  if (code && CONNECTION_CODES.has(code)) {
    return new MailSendError(
      'MAIL_CONNECTION_FAILED',
      `Could not talk to the SMTP server (${code}): ${text}. Check SMTP_URL and that the server is reachable; will retry.`,
      false,
    )
  }
  return new MailSendError(
    'MAIL_SEND_FAILED',
    `Sending failed${code ? ` (${code})` : ''}: ${text}. Will retry.`,
    false,
    responseCode,
  )
}
