// Where a planner quote runs, so that no floor can freeze the event loop (issue 9, ADR 012).
//
// Policy:
// - A quote runs inline, on the event loop, with a work budget (`inlineBranches` search
//   branches, deterministic: a few milliseconds at most). Almost every quote (every typical
//   floor, and the adversarial families the planner's bounds handle) finishes inside it and costs
//   no thread hop.
// - A quote that passes the budget is abandoned (never answered with a partial result) and runs
//   again, without budget, on a worker thread; so does a quote on a floor too large to even
//   precompute inline (`inlineFloorSize` tables + edges), since building the floor's
//   precomputation is itself work the loop would wait for.
// - Workers are a fixed pool (`size`, default 1: a bulkhead, at most that many cores go to
//   pathological quotes); quotes beyond it wait in order.
// - The AbortSignal is honoured for real: aborting a queued quote drops it; aborting a running
//   one terminates its worker (a thread in a tight search loop cannot be interrupted otherwise)
//   and a fresh worker takes the next quote. The promise rejects with QuoteAborted.
// - Floors cross to a worker once per floor key (`floorVersion`), then are kept there (LRU).
// - The re-seating search (planner/findReseating, issue 15) follows the same policy: inline
//   within `inlineReseatNodes` search nodes, else again on a worker with the caller's own node
//   budget. A budget only stops that search early, so the worker answers exactly what one inline
//   run with the full budget would. On the filling demo floors the searches that run to their
//   budget took about a quarter of the server thread's time at saturation (bench/README.md).
//   A running re-seat search is bounded by its budget, so an abort does not end its worker (a
//   new thread costs more than the rest of the search): the caller is answered at once and the
//   worker finishes and drops the result.
import { Worker } from 'node:worker_threads'
import {
  findReseating,
  quoteTablesWithin,
  type Quote,
  type QuoteInput,
  type ReseatInput,
  type ReseatResult,
} from '../../planner/index.ts'

export interface QuotePoolOptions {
  /** worker threads for the quotes the event loop does not run; default 1 */
  size?: number
  /** search branches a quote may take on the event loop before it moves to a worker */
  inlineBranches?: number
  /** floors with more tables + adjacency entries than this are quoted on a worker at once */
  inlineFloorSize?: number
  /** re-seating search nodes the event loop runs before the search moves to a worker */
  inlineReseatNodes?: number
}

/** about 1-3 ms of search on one core of the benchmark machine */
export const DEFAULT_INLINE_BRANCHES = 20_000
/** a few milliseconds of per-floor precomputation (a 600-table floor with its edges is about 1 800) */
export const DEFAULT_INLINE_FLOOR_SIZE = 2_500
/**
 * About 1-2 ms of re-seat search on the benchmark machine: covers most searches that find a
 * rearrangement or prove there is none (hundreds to a few thousand nodes on the demo floors), and
 * is past the search's capacity proof (PROOF_AFTER_NODES), so the searches the proof ends stay inline
 */
export const DEFAULT_INLINE_RESEAT_NODES = 2_000

export class QuoteAborted extends Error {
  constructor(reason: unknown) {
    super(`planner quote aborted: ${reason instanceof Error ? reason.message : String(reason ?? 'no reason given')}`)
    this.name = 'QuoteAborted'
  }
}

type FloorArrays = Pick<QuoteInput, 'tables' | 'adjacency'>

/** What a worker runs, without the floor (which crosses once per floor key) */
export type WorkerTask =
  | { kind: 'quote'; input: Omit<QuoteInput, 'tables' | 'adjacency' | 'now'> }
  | { kind: 'reseat'; input: Omit<ReseatInput, 'tables' | 'adjacency'> }

export interface WorkerRequest {
  id: number
  floorKey: string | null
  /** present when the worker may not have the floor yet */
  floor: FloorArrays | null
  task: WorkerTask
}

export type WorkerReply =
  { id: number; quote: Quote } | { id: number; reseat: ReseatResult } | { id: number; missingFloor: true }

interface Job {
  id: number
  floor: FloorArrays
  floorKey: string | null
  task: WorkerTask
  signal: AbortSignal | undefined
  onAbort: () => void
  resolve: (answer: never) => void
  reject: (error: Error) => void
  worker: PoolWorker | null
  /** answered (or rejected) already: a late reply from a worker is dropped */
  settled: boolean
}

interface PoolWorker {
  thread: Worker
  floors: Set<string>
  job: Job | null
}

export interface QuotePoolCounters {
  inline: number
  offloaded: number
  /** re-seat searches answered on the event loop, and those moved to a worker */
  reseatInline: number
  reseatOffloaded: number
  aborted: number
  workersStarted: number
}

const WORKER_ENTRY = new URL('./quote-worker.ts', import.meta.url).href
// workers do not inherit the TypeScript loader: the worker registers tsx itself
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY)}) })`

export class QuotePool {
  readonly size: number
  readonly inlineBranches: number
  readonly inlineFloorSize: number
  readonly inlineReseatNodes: number
  readonly counters: QuotePoolCounters = {
    inline: 0,
    offloaded: 0,
    reseatInline: 0,
    reseatOffloaded: 0,
    aborted: 0,
    workersStarted: 0,
  }
  private readonly workers: PoolWorker[] = []
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false

  constructor(options: QuotePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1)
    this.inlineBranches = options.inlineBranches ?? DEFAULT_INLINE_BRANCHES
    this.inlineFloorSize = options.inlineFloorSize ?? DEFAULT_INLINE_FLOOR_SIZE
    this.inlineReseatNodes = options.inlineReseatNodes ?? DEFAULT_INLINE_RESEAT_NODES
  }

  /** The exact quote (planner/quoteTables), inline when it is cheap, else on a worker thread. */
  quote(request: QuoteInput & { signal?: AbortSignal }): Promise<Quote> {
    const { signal, ...input } = request
    if (signal?.aborted) return Promise.reject(new QuoteAborted(signal.reason))
    if (floorSize(input) <= this.inlineFloorSize) {
      const quote = quoteTablesWithin(input, this.inlineBranches)
      if (quote) {
        this.counters.inline++
        return Promise.resolve(quote)
      }
    }
    const { tables, adjacency, now: _now, ...rest } = input
    this.counters.offloaded++
    return this.offload({ tables, adjacency }, input.floorVersion ?? null, { kind: 'quote', input: rest }, signal)
  }

  /**
   * The re-seating search (planner/findReseating), answered exactly as findReseating answers it:
   * inline when it ends within `inlineReseatNodes` nodes, else run again on a worker thread with
   * the request's own budget. `floorVersion` keys the floor on the workers, as for quotes.
   */
  reseat(request: ReseatInput & { floorVersion?: string; signal?: AbortSignal }): Promise<ReseatResult> {
    const { signal, floorVersion, ...input } = request
    if (signal?.aborted) return Promise.reject(new QuoteAborted(signal.reason))
    if (floorSize(input) <= this.inlineFloorSize) {
      const withinBudget = input.maxNodes !== undefined && input.maxNodes <= this.inlineReseatNodes
      const result = findReseating(withinBudget ? input : { ...input, maxNodes: this.inlineReseatNodes })
      if (withinBudget || result.ok || result.reason !== 'SEARCH_BUDGET_EXHAUSTED') {
        this.counters.reseatInline++
        return Promise.resolve(result)
      }
    }
    const { tables, adjacency, ...rest } = input
    this.counters.reseatOffloaded++
    return this.offload({ tables, adjacency }, floorVersion ?? null, { kind: 'reseat', input: rest }, signal)
  }

  /** Start the workers now rather than on the first quote that needs one. */
  warm(): void {
    while (this.workers.length < this.size) this.workers.push(this.startWorker())
  }

  /** Terminate the workers; queued and running quotes reject. */
  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) this.finish(job, new QuoteAborted('the quote pool closed'))
    const workers = this.workers.splice(0)
    for (const w of workers) {
      const job = w.job
      w.job = null
      if (job) this.finish(job, new QuoteAborted('the quote pool closed'))
    }
    await Promise.all(workers.map((w) => w.thread.terminate()))
  }

  private offload<T>(
    floor: FloorArrays,
    floorKey: string | null,
    task: WorkerTask,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new QuoteAborted('the quote pool closed'))
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        floor,
        floorKey,
        task,
        signal,
        onAbort: () => this.abort(job),
        resolve: resolve as (answer: never) => void,
        reject,
        worker: null,
        settled: false,
      }
      signal?.addEventListener('abort', job.onAbort, { once: true })
      this.queue.push(job)
      this.dispatch()
    })
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.workers.find((w) => w.job === null)
      if (!worker) {
        if (this.workers.length >= this.size) return
        worker = this.startWorker()
        this.workers.push(worker)
      }
      this.send(worker, this.queue.shift() as Job, false)
    }
  }

  private send(worker: PoolWorker, job: Job, forceFloor: boolean): void {
    job.worker = worker
    worker.job = job
    worker.thread.ref()
    const needsFloor = forceFloor || job.floorKey === null || !worker.floors.has(job.floorKey)
    if (needsFloor && job.floorKey !== null) worker.floors.add(job.floorKey)
    const request: WorkerRequest = {
      id: job.id,
      floorKey: job.floorKey,
      floor: needsFloor ? job.floor : null,
      task: job.task,
    }
    worker.thread.postMessage(request)
  }

  private startWorker(): PoolWorker {
    this.counters.workersStarted++
    const thread = new Worker(WORKER_BOOTSTRAP, { eval: true })
    const worker: PoolWorker = { thread, floors: new Set(), job: null }
    thread.unref()
    thread.on('message', (reply: WorkerReply) => {
      const job = worker.job
      if (!job || job.id !== reply.id) return
      if ('missingFloor' in reply) {
        // the worker evicted the floor since: send it again
        this.send(worker, job, true)
        return
      }
      this.release(worker)
      this.finish(job, null, 'quote' in reply ? reply.quote : reply.reseat)
      this.dispatch()
    })
    thread.on('error', (error) => {
      const job = worker.job
      worker.job = null
      this.remove(worker)
      if (job) this.finish(job, new Error(`planner worker failed: ${error.message}`))
      this.dispatch()
    })
    thread.on('exit', () => {
      const job = worker.job
      worker.job = null
      this.remove(worker)
      if (job) this.finish(job, new Error('planner worker exited while quoting'))
      if (!this.closed) this.dispatch()
    })
    return worker
  }

  private abort(job: Job): void {
    this.counters.aborted++
    const queued = this.queue.indexOf(job)
    if (queued >= 0) this.queue.splice(queued, 1)
    const worker = job.worker
    if (worker && worker.job === job && job.task.kind === 'reseat') {
      // bounded by its node budget: the worker finishes it (busy until then) and drops the answer
      this.finish(job, new QuoteAborted(job.signal?.reason))
      return
    }
    if (worker && worker.job === job) {
      // a search cannot be interrupted from outside: end the thread, a new one takes over
      worker.job = null
      this.remove(worker)
      void worker.thread.terminate()
    }
    this.finish(job, new QuoteAborted(job.signal?.reason))
    this.dispatch()
  }

  private release(worker: PoolWorker): void {
    worker.job = null
    worker.thread.unref()
  }

  private remove(worker: PoolWorker): void {
    const i = this.workers.indexOf(worker)
    if (i >= 0) this.workers.splice(i, 1)
  }

  private finish(job: Job, error: Error | null, answer?: Quote | ReseatResult): void {
    job.signal?.removeEventListener('abort', job.onAbort)
    if (job.settled) return
    job.settled = true
    if (error) job.reject(error)
    else job.resolve(answer as never)
  }
}

/** tables + adjacency entries; malformed floors (not arrays) count 0 and stay inline, where the planner refuses them */
function floorSize(input: FloorArrays): number {
  return Array.isArray(input.tables) && Array.isArray(input.adjacency)
    ? input.tables.length + input.adjacency.length
    : 0
}

let shared: QuotePool | null = null

/** The process's quote pool (created on first use; its idle workers do not keep the process up). */
export function sharedQuotePool(): QuotePool {
  shared ??= new QuotePool()
  return shared
}
