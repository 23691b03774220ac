// Timing and comparison helpers for the planner benchmark.
import { quoteTables, type Plan, type Quote, type QuoteInput } from '../../planner/index'
import { exhaustivePlans } from './exhaustive'

export interface Distribution {
  meanUs: number
  p50Us: number
  p99Us: number
  maxUs: number
}

export function distribution(samplesMs: number[]): Distribution {
  const us = samplesMs.map((ms) => ms * 1000).sort((a, b) => a - b)
  const at = (q: number): number => us[Math.min(us.length - 1, Math.floor(q * us.length))] ?? 0
  const mean = us.reduce((s, x) => s + x, 0) / Math.max(1, us.length)
  return { meanUs: round(mean), p50Us: round(at(0.5)), p99Us: round(at(0.99)), maxUs: round(at(1)) }
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits

/** Time every quote once; returns per-quote milliseconds and the answers. */
export function timePlanner(inputs: QuoteInput[]): { ms: number[]; quotes: Quote[] } {
  const ms: number[] = new Array<number>(inputs.length)
  const quotes: Quote[] = new Array<Quote>(inputs.length)
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as QuoteInput
    const t0 = performance.now()
    quotes[i] = quoteTables(input)
    ms[i] = performance.now() - t0
  }
  return { ms, quotes }
}

/**
 * Warm up, then time `passes` passes over all inputs. `ms` is the pass with the median mean (the
 * machine may be shared: one noisy pass should not decide); `steadyMs` is, per quote, the fastest
 * of the passes (what the quote costs when nothing else interferes).
 */
export function measurePlanner(
  inputs: QuoteInput[],
  passes = 3,
): { ms: number[]; steadyMs: number[]; quotes: Quote[] } {
  timePlanner(inputs.slice(0, Math.min(inputs.length, 500)))
  const runs = Array.from({ length: passes }, () => timePlanner(inputs))
  const steadyMs = inputs.map((_, i) => Math.min(...runs.map((r) => r.ms[i] as number)))
  const total = (r: { ms: number[] }) => r.ms.reduce((s, x) => s + x, 0)
  runs.sort((a, b) => total(a) - total(b))
  const median = runs[Math.floor(runs.length / 2)] as { ms: number[]; quotes: Quote[] }
  return { ms: median.ms, steadyMs, quotes: median.quotes }
}

/** Run the exhaustive baseline on a prefix of the inputs, within a time budget. */
export function measureExhaustive(
  inputs: QuoteInput[],
  budgetMs: number,
  minQuotes: number,
): { ms: number[]; plans: Plan[][] } {
  exhaustivePlans(inputs[0] as QuoteInput) // warm up
  const ms: number[] = []
  const plans: Plan[][] = []
  const started = performance.now()
  for (const input of inputs) {
    if (ms.length >= minQuotes && performance.now() - started > budgetMs) break
    const t0 = performance.now()
    plans.push(exhaustivePlans(input))
    ms.push(performance.now() - t0)
  }
  return { ms, plans }
}

const planKey = (p: Plan): string => `${p.zoneId}|${p.tableIds.join('+')}|${p.capacity}|${p.overage}`

export function sameBest(quote: Quote, plans: Plan[]): boolean {
  const mine = quote.ok ? quote.plans[0] : undefined
  const theirs = plans[0]
  if (!mine || !theirs) return !mine && !theirs
  return planKey(mine) === planKey(theirs)
}

export function sameTopK(quote: Quote, plans: Plan[]): boolean {
  const mine = quote.ok ? quote.plans : []
  return mine.length === plans.length && mine.every((p, i) => planKey(p) === planKey(plans[i] as Plan))
}
