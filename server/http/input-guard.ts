import type { RequestHandler } from 'express'
import { sendError } from './errors.ts'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Strings Postgres cannot store, refused once at the edge for every request instead of in each
 * schema: a NUL character (text and jsonb reject it: a 500 deep in a query) and an unpaired UTF-16
 * surrogate (not valid Unicode, silently mangled on the way to UTF-8).
 */
function impossibleReason(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000)'
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)'
  return null
}

const MAX_DEPTH = 64

/** The path and problem of the first impossible string (keys included) in a parsed body or query. */
export function findImpossibleString(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') {
    const reason = impossibleReason(value)
    return reason ? `${path} ${reason}` : null
  }
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return null
  for (const [key, inner] of Object.entries(value)) {
    const keyReason = impossibleReason(key)
    if (keyReason) return `a key in ${path} ${keyReason}`
    const found = findImpossibleString(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1)
    if (found) return found
  }
  return null
}

/** For every request, pages included: the URL (path and query string) after percent-decoding. */
export const refuseImpossibleUrl: RequestHandler = (req, res, next) => {
  let decoded: string
  try {
    decoded = decodeURIComponent(req.originalUrl)
  } catch {
    return res.status(400).type('text/plain').send('The URL is not validly percent-encoded UTF-8.')
  }
  const reason = impossibleReason(decoded)
  if (!reason) return next()
  if (req.originalUrl.startsWith('/api/')) return sendError(res, 400, 'INVALID_CHARACTER', `The URL ${reason}`)
  return res.status(400).type('text/plain').send(`The URL ${reason}.`)
}

/** For /api after JSON parsing: the body and the parsed query string. */
export const refuseImpossibleInput: RequestHandler = (req, res, next) => {
  const found = findImpossibleString(req.query, 'query') ?? findImpossibleString(req.body, 'body')
  if (!found) return next()
  return sendError(res, 400, 'INVALID_CHARACTER', `The request ${found}; remove it and send again.`)
}
