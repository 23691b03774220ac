import { GRAINS, type Grain } from './queries/window.ts'

export interface RollupMarks {
  /** [.., until) of each grain is rolled up; null when never */
  minute: Date | null
  hour: Date | null
  day: Date | null
}

export interface CoverPlan {
  rollup: Array<{ grain: Grain; start: Date; end: Date }>
  /** read from raw events: edges inside a minute, and everything after the minute mark */
  raw: Array<{ start: Date; end: Date }>
}

const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size
const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size

/**
 * Splits [from, to) into rollup ranges and raw ranges: whole days where the day rollup reaches,
 * then whole hours, then whole minutes, and raw events for the rest. Only grains whose size divides
 * the output bucket are used, so every rollup row falls inside one output bucket. At most two
 * ranges per grain (head and tail) plus two raw ranges.
 */
export function planCover(from: Date, to: Date, marks: RollupMarks, bucketSeconds: number): CoverPlan {
  let segments: Array<[number, number]> = [[from.getTime(), to.getTime()]]
  const rollup: CoverPlan['rollup'] = []
  for (const grain of ['day', 'hour', 'minute'] as const) {
    const mark = marks[grain]
    if (!mark || bucketSeconds % GRAINS[grain] !== 0) continue
    const size = GRAINS[grain] * 1000
    const next: Array<[number, number]> = []
    for (const [start, end] of segments) {
      const alignedStart = ceilTo(start, size)
      const alignedEnd = Math.min(floorTo(end, size), floorTo(mark.getTime(), size))
      if (alignedEnd <= alignedStart) {
        next.push([start, end])
        continue
      }
      rollup.push({ grain, start: new Date(alignedStart), end: new Date(alignedEnd) })
      if (start < alignedStart) next.push([start, alignedStart])
      if (alignedEnd < end) next.push([alignedEnd, end])
    }
    segments = next
  }
  return { rollup, raw: segments.map(([start, end]) => ({ start: new Date(start), end: new Date(end) })) }
}
