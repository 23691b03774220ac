import type { ErrorRequestHandler, Response } from 'express'
import { AppError } from '../errors.ts'
import { isDatabaseUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../db/outage.ts'
import { logUnexpectedError } from './log-redaction.ts'

export function sendError(res: Response, status: number, code: string, message: string, issues?: unknown[]) {
  res.status(status).json({ error: { code, message, ...(issues ? { issues } : {}) } })
}

/** Maps every error on /api to the contract's JSON shape; bad input never becomes a 5xx. */
export const apiErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error)
  if (error instanceof AppError) return sendError(res, error.status, error.code, error.message, error.issues)
  const type = (error as { type?: string }).type
  if (type === 'entity.too.large') {
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB')
  }
  if (type === 'entity.parse.failed') {
    return sendError(res, 400, 'INVALID_JSON', 'The request body is not valid JSON')
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return sendError(res, 415, 'UNSUPPORTED_ENCODING', 'Send the body as UTF-8 JSON')
  }
  if (typeof (error as { status?: number }).status === 'number' && (error as { status: number }).status < 500) {
    const status = (error as { status: number }).status
    return sendError(res, status, 'BAD_REQUEST', (error as Error).message)
  }
  if (isDatabaseUnavailable(error)) {
    res.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS))
    return sendError(res, 503, 'DATABASE_UNAVAILABLE', 'The database cannot be reached right now; retry shortly')
  }
  logUnexpectedError('api', error)
  return sendError(res, 500, 'INTERNAL', 'Something went wrong on our side; the error was logged')
}
