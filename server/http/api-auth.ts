import crypto from 'node:crypto'
import type { RequestHandler } from 'express'
import { sendError } from './errors.ts'

/** Bearer-token auth for /api/*, compared in constant time. */
export function requireApiToken(expected: string): RequestHandler {
  const expectedDigest = crypto.createHash('sha256').update(expected).digest()
  return (req, res, next) => {
    const header = req.get('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match) {
      return sendError(res, 401, 'UNAUTHENTICATED', 'Send "Authorization: Bearer <MAITRE_API_TOKEN>"')
    }
    const actualDigest = crypto.createHash('sha256').update(match[1]!.trim()).digest()
    if (!crypto.timingSafeEqual(actualDigest, expectedDigest)) {
      return sendError(res, 401, 'UNAUTHENTICATED', 'The API token is not valid')
    }
    next()
  }
}
