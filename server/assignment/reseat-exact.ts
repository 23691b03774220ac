import loadHighs, { type Highs } from 'highs'
import { reseatModel, type ReseatInput, type ReseatResult } from '../../planner/index.ts'
import { sharedQuotePool } from './quote-pool.ts'

/**
 * Wall-clock limit of one solve, seconds (inside the inline deadline, 1.5 s by default). The
 * evenings of bench:quality solve in tens of ms; at the limit a rearrangement found so far is
 * still taken, and without one the answer is "budget exhausted", never a false "no".
 */
export const RESEAT_MIP_TIME_LIMIT_S = 0.5

/**
 * Instances the MIP is tried on. Its cost grows with the columns (bookings x their plans): the
 * benchmark's full evening on 20 tables has 31 movable bookings and 453 columns (tens of ms); a
 * day on a 150-table floor has hundreds of bookings, a model of tens of thousands of columns, and
 * would hold the thread for the whole time limit. Past either bound the answer stays the search's
 * SEARCH_BUDGET_EXHAUSTED (the job retries later), as before the MIP.
 */
export const RESEAT_MIP_MAX_BOOKINGS = 60
export const RESEAT_MIP_MAX_COLUMNS = 2_000

let highs: Promise<Highs> | null = null
/**
 * HiGHS (WebAssembly) is loaded once per process, by the first instance that needs it, and solves
 * a one-column MIP at once: the first solve of a process runs several times slower (the engine
 * compiles the module's hot code then), and would otherwise spend the time limit of a real one
 */
const solver = () =>
  (highs ??= loadHighs().then((loaded) => {
    loaded.solve('Maximize\n obj: x\nSubject To\n c: x <= 1\nBinaries\n x\nEnd', { output_flag: false } as never)
    return loaded
  }))

/**
 * Re-seating that is exact where the planner's search is not complete: findReseating first, with
 * the caller's node budget (fewest moves; it settles all but a handful of a full evening's
 * instances, most within a few hundred nodes); when it runs out of nodes, the same problem as a MIP
 * (planner/reseat-model.ts: same candidate plans, objective fewest moves) solved to optimality by
 * HiGHS, the solver of the quality references. On a full evening a rearrangement that needs nine
 * moves lay past a million search nodes (seconds); the MIP finds it, or proves there is none, in
 * tens of ms (docs/decisions/021). The search keeps its budget because it is the faster of the two
 * below some ten thousand nodes (a found rearrangement costs it a few ms, the MIP tens). The solve
 * blocks the thread it runs on for at most RESEAT_MIP_TIME_LIMIT_S.
 */
export async function findReseatingExact(
  input: ReseatInput,
  options: {
    timeLimitS?: number
    /** keys the floor on the quote pool's workers (as for quotes) */
    floorVersion?: string
    /** drops a search still waiting for a worker (QuoteAborted) */
    signal?: AbortSignal
  } = {},
): Promise<ReseatResult> {
  // the search on the quote pool: inline within its node budget, else on its worker thread, with
  // the same answer (quote-pool.ts); the MIP below still runs on this thread
  const searched = await sharedQuotePool().reseat({
    ...input,
    floorVersion: options.floorVersion,
    signal: options.signal,
  })
  if (searched.ok || searched.reason !== 'SEARCH_BUDGET_EXHAUSTED') return searched
  if (input.movable.length > RESEAT_MIP_MAX_BOOKINGS) return searched
  const built = reseatModel(input)
  if (!built.ok) return { ok: false, reason: built.reason, stats: searched.stats }
  if (built.model.columns > RESEAT_MIP_MAX_COLUMNS) return searched
  const solution = (await solver()).solve(built.model.lp, {
    output_flag: false,
    mip_rel_gap: 0,
    time_limit: options.timeLimitS ?? RESEAT_MIP_TIME_LIMIT_S,
  } as never)
  const stats = { ...searched.stats, exact: 'mip' as const }
  if (solution.Status === 'Infeasible') return { ok: false, reason: 'NO_REARRANGEMENT', stats }
  const columns = (solution.Columns ?? {}) as Record<string, { Primal?: number }>
  const found =
    solution.Status === 'Optimal' || solution.Status === 'Time limit reached'
      ? built.model.read((column) => columns[column]?.Primal ?? 0)
      : null
  if (!found) return { ok: false, reason: 'SEARCH_BUDGET_EXHAUSTED', stats }
  return { ok: true, plan: found.plan, moves: found.moves, stats: { ...stats, depth: found.moves.length } }
}
