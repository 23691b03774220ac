import { sqlState } from '../errors.ts'

/** Seconds a client is told to wait (Retry-After) while the database cannot be reached. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5

// Socket-level failures (node-postgres passes the system error through)
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
])

// What node-postgres and pg-pool say when a connection dies, stalls or cannot be had
const DRIVER_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'the database system is starting up',
  'the database system is shutting down',
]

/**
 * SQLSTATEs of a database that is away or overloaded rather than of a bad request: connection
 * exceptions (class 08), shutdown and startup (57P01-57P03), too many connections (53300), and a
 * statement cancelled by statement_timeout (57014), which under an outage means "try later".
 */
const OUTAGE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57014'])

/**
 * Whether an error means "the database cannot be reached (or answer) right now": such errors are
 * answered 503 with Retry-After, never kill the process, and go away by themselves. Walks the
 * cause chain, since query functions wrap driver errors.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const state = sqlState(error)
  if (state && (state.startsWith('08') || OUTAGE_STATES.has(state))) return true
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown }
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
    if (typeof message === 'string' && DRIVER_MESSAGES.some((text) => message.includes(text))) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}
