import crypto from 'node:crypto'
import nodemailer from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import { AppError } from '../errors.ts'
import { MailSendError, toMailSendError } from './mail-errors.ts'

export interface MailMessage {
  to: string
  subject: string
  /** plain-text body */
  text: string
  /** "<id@host>": a stable Message-ID lets receivers drop a repeated delivery */
  messageId?: string
  headers?: Record<string, string>
}

export interface MailTransport {
  /** 'smtp' sends through SMTP_URL; 'recorded' sends nothing: the outbox row is the record */
  readonly kind: 'smtp' | 'recorded'
  /** Resolves once the server accepted the message; rejects with a MailSendError. */
  send(message: MailMessage): Promise<{ transportId: string }>
  close(): Promise<void>
}

export interface MailTransportOptions {
  /** default sender; SMTP_URL's `?from=` wins */
  from?: string
  /** keep SMTP connections open between messages (default true) */
  pool?: boolean
  /** ms; keep their sum well below the outbox lease so a slow send is not claimed twice */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number }
}

export const DEFAULT_FROM = 'Maitre <no-reply@maitre.invalid>'

/**
 * The mail transport: nodemailer over SMTP when `smtpUrl` (SMTP_URL) is set, otherwise a
 * "recorded" transport that opens no connection and answers a 'recorded:<uuid>' id, so the worker
 * marks the outbox row sent and the row itself is the record of the message.
 */
export function createMailTransport(smtpUrl?: string, options: MailTransportOptions = {}): MailTransport {
  return smtpUrl ? createSmtpTransport(smtpUrl, options) : createRecordedTransport()
}

function closedError(): MailSendError {
  return new MailSendError('MAIL_TRANSPORT_CLOSED', 'The mail transport was closed; create a new one to send.', false)
}

function createRecordedTransport(): MailTransport {
  let closed = false
  return {
    kind: 'recorded',
    async send() {
      if (closed) throw closedError()
      return { transportId: `recorded:${crypto.randomUUID()}` }
    },
    async close() {
      closed = true
    },
  }
}

const SUPPORTED_PARAMS = ['from', 'pool', 'maxConnections', 'ignoreTLS', 'requireTLS', 'tls.rejectUnauthorized', 'name']

interface ParsedSmtpUrl {
  connection: SMTPTransport.Options
  from?: string
  pool?: boolean
  maxConnections?: number
}

function invalidUrl(reason: string): AppError {
  return new AppError(
    'SMTP_URL_INVALID',
    `SMTP_URL is invalid: ${reason}. Use smtp://user:password@host:587 (STARTTLS when offered) or smtps://user:password@host:465; query parameters: ${SUPPORTED_PARAMS.join(', ')}.`,
  )
}

function parseBoolean(key: string, value: string): boolean {
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  throw invalidUrl(`?${key}= must be true or false (got "${value}")`)
}

/** Parses SMTP_URL ourselves: nodemailer drops every other option when given a url. */
export function parseSmtpUrl(smtpUrl: string): ParsedSmtpUrl {
  let url: URL
  try {
    url = new URL(smtpUrl)
  } catch {
    throw invalidUrl('not a URL')
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw invalidUrl(`unsupported scheme "${url.protocol}"`)
  if (!url.hostname) throw invalidUrl('no host')
  const secure = url.protocol === 'smtps:'
  const connection: SMTPTransport.Options = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
  }
  if (url.username) {
    connection.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
  }
  const parsed: ParsedSmtpUrl = { connection }
  for (const [key, value] of url.searchParams) {
    switch (key) {
      case 'from':
        parsed.from = value
        break
      case 'pool':
        parsed.pool = parseBoolean(key, value)
        break
      case 'maxConnections': {
        const count = Number(value)
        if (!Number.isInteger(count) || count < 1) throw invalidUrl(`?maxConnections= must be a positive integer`)
        parsed.maxConnections = count
        break
      }
      case 'ignoreTLS':
        connection.ignoreTLS = parseBoolean(key, value)
        break
      case 'requireTLS':
        connection.requireTLS = parseBoolean(key, value)
        break
      case 'tls.rejectUnauthorized':
        connection.tls = { ...connection.tls, rejectUnauthorized: parseBoolean(key, value) }
        break
      case 'name':
        connection.name = value
        break
      default:
        throw invalidUrl(`unknown query parameter "${key}"`)
    }
  }
  return parsed
}

function createSmtpTransport(smtpUrl: string, options: MailTransportOptions): MailTransport {
  const parsed = parseSmtpUrl(smtpUrl)
  const from = parsed.from ?? options.from ?? DEFAULT_FROM
  const common: SMTPTransport.Options = {
    ...parsed.connection,
    connectionTimeout: options.timeouts?.connectionMs ?? 10_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 10_000,
    socketTimeout: options.timeouts?.socketMs ?? 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  }
  const usePool = parsed.pool ?? options.pool ?? true
  const transporter = usePool
    ? nodemailer.createTransport({
        ...common,
        pool: true,
        maxConnections: parsed.maxConnections ?? 3,
      } as SMTPPool.Options)
    : nodemailer.createTransport(common)
  let closed = false

  return {
    kind: 'smtp',
    async send(message) {
      if (closed) throw closedError()
      let info: { messageId: string; rejected?: unknown[] }
      try {
        info = await transporter.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.messageId ? { messageId: message.messageId } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
        })
      } catch (error) {
        throw toMailSendError(error)
      }
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        throw new MailSendError(
          'MAIL_REJECTED',
          `SMTP server refused the recipient ${message.to}. Check the address; not retried.`,
          true,
        )
      }
      return { transportId: info.messageId }
    },
    async close() {
      if (closed) return
      closed = true
      transporter.close()
    },
  }
}
