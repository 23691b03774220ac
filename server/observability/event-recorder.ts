import { sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import type { EventSeverity } from '../db/schema/observability.ts'
import { checkEvent, type EventType } from './event-catalog.ts'

export interface EngineEvent {
  /** one of the catalogue's types: a new type is declared there first, with its schema */
  type: EventType
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
  stats(): {
    written: number
    dropped: number
    buffered: number
    failedWrites: number
    /** events whose context failed their type's schema (event-catalog.ts); written all the same */
    invalid?: number
    /** events of a type the catalogue does not know; written all the same */
    uncatalogued?: number
    /** the latest problem per event type, for tests and the operator */
    problems?: Record<string, string>
  }
  /** turns recording off and on at runtime (benchmarks measure what telemetry costs) */
  setRecording(on: boolean): void
  close(): Promise<void>
}

export interface EventRecorderOptions {
  flushIntervalMs?: number
  batchSize?: number
  /** beyond this many buffered events new ones are dropped (and counted) rather than eat memory */
  maxBuffered?: number
  /**
   * commit batches without waiting for the WAL flush (Postgres). Not for PGlite: its one
   * connection would be held by the transaction, and it has no WAL flush to skip.
   */
  asyncCommit?: boolean
}

/** One buffered event, in the shape of the JSON the batch insert reads (snake_case columns). */
interface BufferedEvent {
  occurred_at: string
  source: string
  event_type: string
  severity: EventSeverity
  restaurant_id: string | null
  booking_id: string | null
  context: Record<string, unknown>
}

/**
 * The whole batch travels as one JSON parameter: building a many-row insert through the query
 * builder cost more CPU than the bookings it described (see docs/decisions/010). With
 * `asyncCommit`, telemetry does not wait for its WAL flush (a server crash may lose the last
 * fraction of a second of events, as a process crash loses what is still buffered): the statement
 * turns synchronous_commit off for its own transaction, so it is one round trip, not four (begin,
 * set local, insert, commit).
 */
async function insertBatch(db: Database, batch: BufferedEvent[], asyncCommit: boolean): Promise<void> {
  await db.execute(sql`
    insert into observability_events (occurred_at, source, event_type, severity, restaurant_id, booking_id, context)
    select occurred_at, source, event_type, severity::event_severity, restaurant_id, booking_id, context
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
        as e(occurred_at timestamptz, source text, event_type text, severity text, restaurant_id uuid, booking_id uuid, context jsonb)
      ${asyncCommit ? sql`cross join (select set_config('synchronous_commit', 'off', true)) as async_commit` : sql``}`)
}

/**
 * Buffers events and writes them in batches off the request path: a slow or failing
 * event table must never slow or fail a booking.
 */
export function createEventRecorder(db: Database, options: EventRecorderOptions = {}): EventRecorder {
  const flushIntervalMs = options.flushIntervalMs ?? 250
  const batchSize = options.batchSize ?? 500
  const maxBuffered = options.maxBuffered ?? 50_000
  let buffer: BufferedEvent[] = []
  let written = 0
  let dropped = 0
  let failedWrites = 0
  let invalid = 0
  let uncatalogued = 0
  const problems: Record<string, string> = {}
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
    // a producer's mistake is counted and logged once per type, never thrown at the booking path;
    // the event is still written, so a schema that lags a producer loses no telemetry
    const check = checkEvent(event.type, event.context)
    if (!check.ok) {
      if (check.unknownType) uncatalogued++
      else invalid++
      if (problems[event.type] === undefined) console.warn(`[events] ${check.message}`)
      problems[event.type] = check.message
    }
    buffer.push({
      occurred_at: (event.occurredAt ?? new Date()).toISOString(),
      source: event.source,
      event_type: event.type,
      severity: event.severity ?? 'info',
      restaurant_id: event.restaurantId ?? null,
      booking_id: event.bookingId ?? null,
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
          await insertBatch(db, batch, options.asyncCommit ?? false)
          written += batch.length
        } catch (error) {
          failedWrites++
          dropped += batch.length
          console.error(
            '[events] batch write failed:',
            ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message,
          )
        }
      }
    })
    return inFlight
  }

  return {
    record,
    flush,
    stats: () => ({
      written,
      dropped,
      buffered: buffer.length,
      failedWrites,
      invalid,
      uncatalogued,
      problems: { ...problems },
    }),
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
