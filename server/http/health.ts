import type { RequestHandler } from 'express'
import { OUTAGE_RETRY_AFTER_SECONDS } from '../db/outage.ts'
import type { Engine } from '../engine.ts'

/** a health check answers within this, even when the database stalls without a word */
const HEALTH_TIMEOUT_MS = 2_000

/**
 * GET /healthz: 200 when the database answers; 503 with Retry-After while it does not or while
 * the process drains. The answer never names the database host or echoes driver messages (they
 * carry host and port), since the endpoint is unauthenticated; the log has the detail.
 */
export function healthCheck(engine: Engine): RequestHandler {
  return async (_req, res) => {
    res.set('Cache-Control', 'no-store')
    if (engine.isClosing()) {
      res.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS))
      return res.status(503).json({ ok: false, reason: 'shutting down' })
    }
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        engine.database.executeSql('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS)
        }),
      ])
      res.json({ ok: true })
    } catch (error) {
      console.error('[healthz] database check failed:', (error as Error).message)
      res.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS))
      res.status(503).json({ ok: false, reason: 'database unavailable' })
    } finally {
      clearTimeout(timer)
    }
  }
}
