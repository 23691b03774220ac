// Worker-thread side of the quote pool (server/assignment/quote-pool.ts): runs quoteTables, with
// no budget, for the quotes the event loop must not run, and findReseating, with the caller's
// node budget, for the re-seat searches that outgrew the loop's. Floors are kept by key, so a floor
// crosses the thread boundary once, not with every quote, and the planner's per-floor
// precomputation (keyed by array identity) is reused across quotes here too.
import { parentPort } from 'node:worker_threads'
import { findReseating, quoteTables, type QuoteInput } from '../../planner/index.ts'
import type { WorkerReply, WorkerRequest } from './quote-pool.ts'

/** Floors kept per worker; the least recently used goes first. */
const FLOORS_KEPT = 32

const floors = new Map<string, Pick<QuoteInput, 'tables' | 'adjacency'>>()

function floorFor(request: WorkerRequest): Pick<QuoteInput, 'tables' | 'adjacency'> | null {
  if (request.floor) {
    if (request.floorKey === null) return request.floor
    floors.delete(request.floorKey)
    floors.set(request.floorKey, request.floor)
    while (floors.size > FLOORS_KEPT) floors.delete(floors.keys().next().value as string)
    return request.floor
  }
  if (request.floorKey === null) return null
  const kept = floors.get(request.floorKey)
  if (!kept) return null
  floors.delete(request.floorKey)
  floors.set(request.floorKey, kept)
  return kept
}

parentPort?.on('message', (request: WorkerRequest) => {
  const floor = floorFor(request)
  let reply: WorkerReply
  if (!floor) reply = { id: request.id, missingFloor: true }
  else if (request.task.kind === 'reseat')
    reply = { id: request.id, reseat: findReseating({ ...request.task.input, ...floor }) }
  else reply = { id: request.id, quote: quoteTables({ ...request.task.input, ...floor }) }
  parentPort?.postMessage(reply)
})
