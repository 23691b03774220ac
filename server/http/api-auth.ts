import crypto from 'node:crypto'
import type { RequestHandler } from 'express'
import { sendError } from './errors.ts'

/** Bearer-token auth compared in constant time; `variable` names the setting in the messages. */
export function requireBearerToken(expected: string, variable: string): RequestHandler {
  const expectedDigest = crypto.createHash('sha256').update(expected).digest()
  return (req, res, next) => {
    const header = req.get('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer')
      return sendError(res, 401, 'UNAUTHENTICATED', `Send "Authorization: Bearer <${variable}>"`)
    }
    const actualDigest = crypto.createHash('sha256').update(match[1]!.trim()).digest()
    if (!crypto.timingSafeEqual(actualDigest, expectedDigest)) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"')
      return sendError(res, 401, 'UNAUTHENTICATED', `The token is not valid; send the value of ${variable}`)
    }
    next()
  }
}

/** /api/*: MAITRE_API_TOKEN. */
export function requireApiToken(expected: string): RequestHandler {
  return requireBearerToken(expected, 'MAITRE_API_TOKEN')
}
