import loadHighs from 'highs'
import { exactQuantile } from '../analytics/sketch.ts'
import type { Engine } from '../engine.ts'
import type { FloorInput } from '../restaurants/floor-schema.ts'
import { DEFAULT_KNOBS } from '../assignment/quote.ts'
import { generateEvening, type Evening, type EveningProfile } from './evening.ts'
import { firstComeLimit, hindsightOptimum, modelRequests } from './references.ts'
import type { PacingRule } from '../assignment/pacing.ts'
import { runEveningThroughEngine, type SimulatedClock } from './run-evening.ts'

export interface EveningReport {
  seed: number
  profile: Evening['profile']
  requests: number
  cancelled: number
  engine: {
    covers: number
    bookings: number
    unseated: number
    inlineP95Ms: number
    /** bookings seated by moving others, and their inline p95 */
    reseated: number
    reseatInlineP95Ms: number
  }
  firstCome: { covers: number; bookings: number }
  hindsight: { covers: number; bookings: number }
  /** engine covers / first-come-limit covers */
  shareOfFirstCome: number
  /** engine covers / hindsight-optimum covers */
  shareOfHindsight: number
  referenceMs: number
  /** the same evening played again with peak pacing on (QualityRunOptions.pacing) */
  pacing?: {
    covers: number
    bookings: number
    /** covers with pacing / hindsight-optimum covers */
    shareOfHindsight: number
    /** covers with pacing - covers without */
    gainedCovers: number
  }
}

export interface QualityRunOptions {
  floor: FloorInput
  floorName: string
  profile: EveningProfile
  seeds: number[]
  count: number
  cancelShare?: number
  /** play these instead of generating evenings from the seeds (a replayed day) */
  evenings?: Evening[]
  /** also play every evening with this peak-pacing rule and report what it gained */
  pacing?: PacingRule
  /** the engine's clock: requests then arrive spread over the days before the evening (run-evening.ts) */
  clock?: SimulatedClock
  /** progress of the whole run: evenings done, requests of the current evening done */
  onProgress?: (progress: { evening: number; evenings: number; request: number; requests: number }) => void
}

/** nearest rank, 0 for no values */
const percentile = (values: number[], p: number) => exactQuantile(values, p / 100) ?? 0

/**
 * Generates each evening, plays it through the engine and computes both exact references with
 * HiGHS. Each evening gets its own restaurant on the engine, so evenings never share tables.
 */
export async function runQuality(engine: Engine, options: QualityRunOptions): Promise<EveningReport[]> {
  const highs = await loadHighs()
  const reports: EveningReport[] = []
  const evenings =
    options.evenings ??
    options.seeds.map((seed) =>
      generateEvening(options.floor, {
        seed,
        count: options.count,
        profile: options.profile,
        ...(options.cancelShare !== undefined ? { cancelShare: options.cancelShare } : {}),
      }),
    )
  for (const [index, evening] of evenings.entries()) {
    const seed = evening.seed
    const slug = `sim-${options.floorName}-${evening.profile}-${seed}-${Date.now().toString(36)}`
    const engineResult = await runEveningThroughEngine(engine, options.floor, evening, {
      slug,
      ...(options.clock ? { clock: options.clock } : {}),
      onProgress: (request, requests) =>
        options.onProgress?.({ evening: index, evenings: evenings.length, request, requests }),
    })
    // the same requests in the same order on a restaurant of its own, the held tables kept
    const paced = options.pacing
      ? await runEveningThroughEngine(engine, options.floor, evening, {
          slug: `${slug}-paced`,
          pacing: options.pacing,
          ...(options.clock ? { clock: options.clock } : {}),
        })
      : null
    const started = performance.now()
    const requests = modelRequests(options.floor, evening, DEFAULT_KNOBS)
    const cancelAfter = new Map(
      evening.requests.filter((r) => r.cancelledAfter !== null).map((r) => [r.arrival, r.cancelledAfter!]),
    )
    const hindsight = hindsightOptimum(highs, requests, new Set(cancelAfter.keys()))
    const firstCome = firstComeLimit(highs, requests, cancelAfter)
    reports.push({
      seed,
      profile: evening.profile,
      requests: evening.requests.length,
      cancelled: cancelAfter.size,
      engine: {
        covers: engineResult.covers,
        bookings: engineResult.bookings,
        unseated: engineResult.unseated,
        inlineP95Ms: percentile(engineResult.inlineMs, 95),
        reseated: engineResult.reseatInlineMs.length,
        reseatInlineP95Ms: percentile(engineResult.reseatInlineMs, 95),
      },
      firstCome: { covers: firstCome.covers, bookings: firstCome.bookings },
      hindsight: { covers: hindsight.covers, bookings: hindsight.bookings },
      shareOfFirstCome: firstCome.covers === 0 ? 1 : engineResult.covers / firstCome.covers,
      shareOfHindsight: hindsight.covers === 0 ? 1 : engineResult.covers / hindsight.covers,
      referenceMs: performance.now() - started,
      ...(paced
        ? {
            pacing: {
              covers: paced.covers,
              bookings: paced.bookings,
              shareOfHindsight: hindsight.covers === 0 ? 1 : paced.covers / hindsight.covers,
              gainedCovers: paced.covers - engineResult.covers,
            },
          }
        : {}),
    })
    options.onProgress?.({
      evening: index + 1,
      evenings: evenings.length,
      request: 0,
      requests: evening.requests.length,
    })
  }
  return reports
}

export interface QualitySummary {
  evenings: number
  medianShareOfFirstCome: number
  worstShareOfFirstCome: number
  medianShareOfHindsight: number
  worstShareOfHindsight: number
  /** bookings seated by moving others, over all evenings */
  reseatedBookings: number
  /** median over evenings of the inline p95 of bookings seated without / with moving others */
  inlineP95Ms: number
  reseatInlineP95Ms: number | null
  /** with peak pacing (when the run had a rule): shares of the hindsight optimum, covers gained */
  pacing?: {
    medianShareOfHindsight: number
    worstShareOfHindsight: number
    /** median over evenings of (share with pacing - share without), in points of the optimum */
    medianGainPoints: number
    gainedCovers: number
    eveningsBetter: number
    eveningsWorse: number
  }
}

export function summarise(reports: EveningReport[]): QualitySummary {
  const median = (values: number[]) => percentile(values, 50)
  const first = reports.map((report) => report.shareOfFirstCome)
  const hind = reports.map((report) => report.shareOfHindsight)
  return {
    evenings: reports.length,
    medianShareOfFirstCome: median(first),
    worstShareOfFirstCome: Math.min(...first),
    medianShareOfHindsight: median(hind),
    worstShareOfHindsight: Math.min(...hind),
    reseatedBookings: reports.reduce((sum, report) => sum + report.engine.reseated, 0),
    inlineP95Ms: median(reports.map((report) => report.engine.inlineP95Ms)),
    reseatInlineP95Ms: reports.some((report) => report.engine.reseated > 0)
      ? median(reports.filter((report) => report.engine.reseated > 0).map((report) => report.engine.reseatInlineP95Ms))
      : null,
    ...(reports.every((report) => report.pacing) && reports.length > 0
      ? {
          pacing: {
            medianShareOfHindsight: median(reports.map((report) => report.pacing!.shareOfHindsight)),
            worstShareOfHindsight: Math.min(...reports.map((report) => report.pacing!.shareOfHindsight)),
            medianGainPoints: median(
              reports.map((report) => (report.pacing!.shareOfHindsight - report.shareOfHindsight) * 100),
            ),
            gainedCovers: reports.reduce((sum, report) => sum + report.pacing!.gainedCovers, 0),
            eveningsBetter: reports.filter((report) => report.pacing!.gainedCovers > 0).length,
            eveningsWorse: reports.filter((report) => report.pacing!.gainedCovers < 0).length,
          },
        }
      : {}),
  }
}
