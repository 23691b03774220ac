import type { Database } from '../db/client.ts'
import { observabilityEvents, type EventSeverity } from '../db/schema/observability.ts'

export interface EngineEvent {
  type: string
  source: string
  severity?: EventSeverity
  restaurantId?: string | null
  bookingId?: string | null
  context?: Record<string, unknown>
  occurredAt?: Date
}

export interface EventRecorder {
  /** Never throws and never waits on the database. */
  record(event: EngineEvent): void
  /** Writes everything buffered so far; for shutdown and tests. */
  flush(): Promise<void>
  stats(): { written: number; dropped: number; buffered: number; failedWrites: number }
  /** turns recording off and on at runtime (benchmarks measure what telemetry costs) */
  setRecording(on: boolean): void
  close(): Promise<void>
}

export interface EventRecorderOptions {
  flushIntervalMs?: number
  batchSize?: number
  /** beyond this many buffered events new ones are dropped (and counted) rather than eat memory */
  maxBuffered?: number
}

/**
 * Buffers events and writes them in batches off the request path: a slow or failing
 * event table must never slow or fail a booking.
 */
export function createEventRecorder(db: Database, options: EventRecorderOptions = {}): EventRecorder {
  const flushIntervalMs = options.flushIntervalMs ?? 250
  const batchSize = options.batchSize ?? 500
  const maxBuffered = options.maxBuffered ?? 50_000
  let buffer: Array<typeof observabilityEvents.$inferInsert> = []
  let written = 0
  let dropped = 0
  let failedWrites = 0
  let inFlight: Promise<void> = Promise.resolve()
  let closed = false
  let recording = true

  const timer = setInterval(() => void flush(), flushIntervalMs)
  timer.unref()

  function record(event: EngineEvent): void {
    if (!recording) return
    if (closed || buffer.length >= maxBuffered) {
      dropped++
      return
    }
    buffer.push({
      occurredAt: event.occurredAt ?? new Date(),
      source: event.source,
      eventType: event.type,
      severity: event.severity ?? 'info',
      restaurantId: event.restaurantId ?? null,
      bookingId: event.bookingId ?? null,
      context: event.context ?? {},
    })
    if (buffer.length >= batchSize) void flush()
  }

  function flush(): Promise<void> {
    inFlight = inFlight.then(async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, batchSize)
        buffer = buffer.slice(batch.length)
        try {
          await db.insert(observabilityEvents).values(batch)
          written += batch.length
        } catch (error) {
          failedWrites++
          dropped += batch.length
          console.error('[events] batch write failed:', (error as Error).message)
        }
      }
    })
    return inFlight
  }

  return {
    record,
    flush,
    stats: () => ({ written, dropped, buffered: buffer.length, failedWrites }),
    setRecording(on: boolean) {
      recording = on
    },
    async close() {
      clearInterval(timer)
      await flush()
      closed = true
    },
  }
}
