import type pg from 'pg'
import { dedicatedClient, endDedicatedClient } from '../db/client.ts'

const CONNECT_TIMEOUT_MS = 5_000
const QUERY_TIMEOUT_MS = 10_000

export interface FlagChangeListener {
  /** true while the LISTEN connection is up (tests and /healthz-style diagnostics) */
  isListening(): boolean
  stop(): Promise<void>
}

export interface FlagChangeListenerOptions {
  databaseUrl: string
  channel: string
  /** called on every notification, and after every (re)connect: notifications sent while we were away are lost */
  onChange(): void
  log?: (message: string) => void
  /** first reconnect delay; doubles up to maxReconnectMs */
  reconnectMs?: number
  maxReconnectMs?: number
}

/**
 * LISTEN on a dedicated connection (a pooled one would be handed to other queries and miss
 * notifications). When the connection drops it reconnects with backoff and asks for a refresh, so a
 * database restart costs at most the poll interval of staleness; the poll keeps running meanwhile.
 */
export function listenForFlagChanges(options: FlagChangeListenerOptions): FlagChangeListener {
  const log = options.log ?? ((message: string) => console.error(message))
  const baseDelay = options.reconnectMs ?? 500
  const maxDelay = options.maxReconnectMs ?? 30_000
  let client: pg.Client | undefined
  let listening = false
  let stopped = false
  let delay = baseDelay
  let timer: NodeJS.Timeout | undefined
  let reported = false

  function scheduleReconnect(): void {
    if (stopped || timer) return
    timer = setTimeout(() => {
      timer = undefined
      void connect()
    }, delay)
    timer.unref()
    delay = Math.min(delay * 2, maxDelay)
  }

  function dropped(error?: Error): void {
    if (!listening && client === undefined) return
    listening = false
    const old = client
    client = undefined
    old?.removeAllListeners()
    // endDedicatedClient keeps an error listener: a late socket error on the dead client must not crash the process
    if (old) void endDedicatedClient(old)
    if (stopped) return
    if (!reported) {
      reported = true
      log(`[flags] change listener lost its connection (${error?.message ?? 'ended'}); reconnecting, polling meanwhile`)
    }
    scheduleReconnect()
  }

  async function connect(): Promise<void> {
    if (stopped) return
    // bounded like every other connection (docs/decisions/013): a silent network stall must not
    // leave this client half-open, or stop() would wait on it for as long as TCP takes to give up
    const next = dedicatedClient(options.databaseUrl, {
      applicationName: 'maitre-flag-listener',
      timeouts: { connectMs: CONNECT_TIMEOUT_MS, queryMs: QUERY_TIMEOUT_MS },
    })
    client = next
    next.on('error', (error) => dropped(error))
    next.on('end', () => dropped())
    next.on('notification', (message) => {
      if (message.channel === options.channel) options.onChange()
    })
    try {
      await next.connect()
      // the channel is an identifier, not a parameter: quote it
      await next.query(`LISTEN "${options.channel.replaceAll('"', '""')}"`)
      if (stopped) {
        await next.end().catch(() => {})
        return
      }
      listening = true
      delay = baseDelay
      if (reported) log('[flags] change listener is listening again')
      reported = false
      options.onChange()
    } catch (error) {
      if (client === next) dropped(error as Error)
    }
  }

  void connect()
  return {
    isListening: () => listening,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      const current = client
      client = undefined
      listening = false
      if (current) {
        current.removeAllListeners()
        await endDedicatedClient(current)
      }
    },
  }
}
