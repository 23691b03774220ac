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
import { Worker } from 'node:worker_threads'
import { quoteTablesWithin, type Quote, type QuoteInput } from '../../planner/index.ts'

export interface QuotePoolOptions {
  /** worker threads for the quotes the event loop does not run; default 1 */
  size?: number
  /** search branches a quote may take on the event loop before it moves to a worker */
  inlineBranches?: number
  /** floors with more tables + adjacency entries than this are quoted on a worker at once */
  inlineFloorSize?: number
}

/** about 1-3 ms of search on one core of the benchmark machine */
export const DEFAULT_INLINE_BRANCHES = 20_000
/** a few milliseconds of per-floor precomputation (a 600-table floor with its edges is about 1 800) */
export const DEFAULT_INLINE_FLOOR_SIZE = 2_500

export class QuoteAborted extends Error {
  constructor(reason: unknown) {
    super(`planner quote aborted: ${reason instanceof Error ? reason.message : String(reason ?? 'no reason given')}`)
    this.name = 'QuoteAborted'
  }
}

type FloorArrays = Pick<QuoteInput, 'tables' | 'adjacency'>

export interface WorkerRequest {
  id: number
  floorKey: string | null
  /** present when the worker may not have the floor yet */
  floor: FloorArrays | null
  input: Omit<QuoteInput, 'tables' | 'adjacency' | 'now'>
}

export type WorkerReply = { id: number; quote: Quote } | { id: number; missingFloor: true }

interface Job {
  id: number
  input: QuoteInput
  floorKey: string | null
  signal: AbortSignal | undefined
  onAbort: () => void
  resolve: (quote: Quote) => void
  reject: (error: Error) => void
  worker: PoolWorker | null
}

interface PoolWorker {
  thread: Worker
  floors: Set<string>
  job: Job | null
}

export interface QuotePoolCounters {
  inline: number
  offloaded: number
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
  readonly counters: QuotePoolCounters = { inline: 0, offloaded: 0, aborted: 0, workersStarted: 0 }
  private readonly workers: PoolWorker[] = []
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false

  constructor(options: QuotePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1)
    this.inlineBranches = options.inlineBranches ?? DEFAULT_INLINE_BRANCHES
    this.inlineFloorSize = options.inlineFloorSize ?? DEFAULT_INLINE_FLOOR_SIZE
  }

  /** The exact quote (planner/quoteTables), inline when it is cheap, else on a worker thread. */
  quote(request: QuoteInput & { signal?: AbortSignal }): Promise<Quote> {
    const { signal, ...input } = request
    if (signal?.aborted) return Promise.reject(new QuoteAborted(signal.reason))
    // malformed floors (not arrays) stay inline: the planner answers INVALID_REQUEST at once
    const size =
      Array.isArray(input.tables) && Array.isArray(input.adjacency) ? input.tables.length + input.adjacency.length : 0
    if (size <= this.inlineFloorSize) {
      const quote = quoteTablesWithin(input, this.inlineBranches)
      if (quote) {
        this.counters.inline++
        return Promise.resolve(quote)
      }
    }
    return this.offload(input, signal)
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

  private offload(input: QuoteInput, signal: AbortSignal | undefined): Promise<Quote> {
    if (this.closed) return Promise.reject(new QuoteAborted('the quote pool closed'))
    this.counters.offloaded++
    return new Promise<Quote>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        input,
        floorKey: input.floorVersion ?? null,
        signal,
        onAbort: () => this.abort(job),
        resolve,
        reject,
        worker: null,
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
    const { tables, adjacency, now: _now, ...rest } = job.input
    const needsFloor = forceFloor || job.floorKey === null || !worker.floors.has(job.floorKey)
    if (needsFloor && job.floorKey !== null) worker.floors.add(job.floorKey)
    const request: WorkerRequest = {
      id: job.id,
      floorKey: job.floorKey,
      floor: needsFloor ? { tables, adjacency } : null,
      input: rest,
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
      this.finish(job, null, reply.quote)
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

  private finish(job: Job, error: Error | null, quote?: Quote): void {
    job.signal?.removeEventListener('abort', job.onAbort)
    job.worker = null
    if (error) job.reject(error)
    else job.resolve(quote as Quote)
  }
}

let shared: QuotePool | null = null

/** The process's quote pool (created on first use; its idle workers do not keep the process up). */
export function sharedQuotePool(): QuotePool {
  shared ??= new QuotePool()
  return shared
}
