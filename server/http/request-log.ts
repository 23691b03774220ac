import type { Request, RequestHandler } from 'express'
import type { LogLevel } from '../config.ts'

/**
 * One line per API request: method, route pattern, status, duration and the booking id when there
 * is one. Never the query string, body or headers, so no guest name, email or phone and no token.
 * Successful API requests log at info, 4xx at warn, 5xx at error; pages log at debug; /healthz,
 * /metrics and static assets never log (probes and browsers would drown the lines that matter).
 */
export interface RequestLogOptions {
  level: LogLevel
  /** JSON lines (NODE_ENV=production) instead of text for people */
  json: boolean
  write?: (line: string) => void
  now?: () => number
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

const QUIET =
  /^\/(healthz|metrics|favicon\.ico|robots\.txt)$|^\/(assets|build)\/|\.(js|css|map|png|svg|ico|woff2?|txt)$/

export interface RequestLogLine {
  level: Exclude<LogLevel, 'silent'>
  method: string
  route: string
  status: number
  durationMs: number
  bookingId?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function formatRequestLine(line: RequestLogLine, json: boolean, at: Date): string {
  if (json) return JSON.stringify({ time: at.toISOString(), msg: 'request', ...line })
  const booking = line.bookingId ? ` booking=${line.bookingId}` : ''
  return `${line.method} ${line.route} ${line.status} ${line.durationMs}ms${booking}`
}

export function requestLog(options: RequestLogOptions): RequestHandler {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const now = options.now ?? (() => performance.now())
  const threshold = RANK[options.level]
  return (req, res, next) => {
    if (threshold >= RANK.silent || QUIET.test(req.path)) return next()
    const started = now()
    const matched = watchMatchedRoute(req)
    // POST /api/bookings learns its booking id only from its answer
    let answeredBookingId: string | undefined
    const json = res.json.bind(res)
    res.json = (body: unknown) => {
      const id = (body as { booking?: { id?: unknown } } | null)?.booking?.id
      if (typeof id === 'string') answeredBookingId = id
      return json(body)
    }
    res.on('finish', () => {
      const api = req.originalUrl.startsWith('/api/') || req.originalUrl === '/api'
      const status = res.statusCode
      const level: RequestLogLine['level'] = !api ? 'debug' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'
      if (RANK[level] < threshold) return
      const params = matched.params ?? {}
      const fromParams = params.bookingId ?? (/\/bookings$/.test(matched.baseUrl ?? '') ? params.id : undefined)
      const bookingId = [fromParams, answeredBookingId].find((id) => typeof id === 'string' && UUID.test(id))
      const line: RequestLogLine = {
        level,
        method: req.method,
        route: matched.route ?? (api ? 'unmatched' : req.path),
        status,
        durationMs: Math.round((now() - started) * 10) / 10,
        ...(bookingId ? { bookingId } : {}),
      }
      write(formatRequestLine(line, options.json, new Date()))
    })
    next()
  }
}

/**
 * The route pattern (`/api/bookings/:id`) and its params as Express matched them. Express resets
 * `req.baseUrl` when an error leaves a router, so reading it when the response finishes names the
 * wrong route for every failed request; the moment Express assigns `req.route` it is still right.
 */
function watchMatchedRoute(req: Request): { route?: string; baseUrl?: string; params?: Record<string, string> } {
  const matched: { route?: string; baseUrl?: string; params?: Record<string, string> } = {}
  let current: unknown
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(value: { path?: unknown } | undefined) {
      current = value
      if (value && typeof value.path === 'string') {
        matched.baseUrl = req.baseUrl
        matched.route = `${req.baseUrl}${value.path === '/' && req.baseUrl ? '' : value.path}`
        matched.params = { ...req.params }
      }
    },
  })
  return matched
}
