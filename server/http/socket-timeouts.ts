import type http from 'node:http'

export interface SocketTimeouts {
  /** the request line and headers must arrive within this */
  headersMs: number
  /** the whole request (body included) must arrive within this */
  requestMs: number
  /** a kept-alive connection waits this long for its next request */
  keepAliveMs: number
  /** a socket with no bytes either way for this long is closed, including one that never sent any */
  idleMs: number
}

export const DEFAULT_SOCKET_TIMEOUTS: SocketTimeouts = {
  headersMs: 15_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  idleMs: 30_000,
}

/**
 * Node's defaults let a connection that never sends a byte stay open for minutes (headersTimeout is
 * only checked once a request has started), so a few hundred silent sockets hold file descriptors
 * indefinitely (slowloris). The inactivity timeout closes those; the others bound slow requests.
 * Our responses stream continuously or finish quickly, so an inactivity limit never cuts one off.
 */
export function closeIdleSockets(server: http.Server, overrides: Partial<SocketTimeouts> = {}): SocketTimeouts {
  const timeouts = { ...DEFAULT_SOCKET_TIMEOUTS, ...overrides }
  server.headersTimeout = timeouts.headersMs
  server.requestTimeout = timeouts.requestMs
  server.keepAliveTimeout = timeouts.keepAliveMs
  // check the header/request deadlines often enough for short test timeouts (default is 30 s)
  ;(server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.min(
    timeouts.headersMs,
    1_000,
  )
  server.setTimeout(timeouts.idleMs, (socket) => socket.destroy())
  return timeouts
}
