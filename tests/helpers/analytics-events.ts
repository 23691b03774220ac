import crypto from 'node:crypto'
import type { Engine } from '../../server/engine.ts'
import type { NewObservabilityEvent } from '../../server/db/schema/observability.ts'
import { observabilityEvents } from '../../server/db/schema/observability.ts'

export type TestEvent = Omit<NewObservabilityEvent, 'source'> & { source?: string }

/** Inserts events as the recorder would, at the times given. */
export async function insertEvents(engine: Engine, events: TestEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await engine.db.insert(observabilityEvents).values(events.slice(i, i + 500).map((e) => ({ source: 'test', ...e })))
  }
}

export const uuid = () => crypto.randomUUID()
