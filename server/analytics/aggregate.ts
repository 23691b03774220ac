import { mergeInto, type Sketch } from './sketch.ts'

/** Counters of one series (or one label of it) over some time: what metrics are computed from. */
export interface Counters {
  count: number
  countA: number
  countB: number
  sum: number
  max: number | null
  hist: Sketch
}

export interface SeriesAggregate {
  total: Counters
  labels: Map<string, Counters>
}

export const emptyCounters = (): Counters => ({ count: 0, countA: 0, countB: 0, sum: 0, max: null, hist: new Map() })
export const emptyAggregate = (): SeriesAggregate => ({ total: emptyCounters(), labels: new Map() })

export interface AggregateRow {
  label: string
  count: number
  count_a: number
  count_b: number
  value_sum: number
  value_max: number | null
  hist: Record<string, unknown>
}

function addCounters(into: Counters, row: AggregateRow | Counters): void {
  if ('count_a' in row) {
    into.count += row.count
    into.countA += row.count_a
    into.countB += row.count_b
    into.sum += row.value_sum
    if (row.value_max !== null) into.max = into.max === null ? row.value_max : Math.max(into.max, row.value_max)
    mergeInto(into.hist, row.hist)
  } else {
    into.count += row.count
    into.countA += row.countA
    into.countB += row.countB
    into.sum += row.sum
    if (row.max !== null) into.max = into.max === null ? row.max : Math.max(into.max, row.max)
    mergeInto(into.hist, row.hist)
  }
}

/** Adds one rollup or raw row (one label of one minute/hour/day) into an aggregate. */
export function addRow(into: SeriesAggregate, row: AggregateRow): void {
  addCounters(into.total, row)
  let label = into.labels.get(row.label)
  if (!label) {
    label = emptyCounters()
    into.labels.set(row.label, label)
  }
  addCounters(label, row)
}

export function mergeAggregate(into: SeriesAggregate, other: SeriesAggregate): void {
  addCounters(into.total, other.total)
  for (const [name, counters] of other.labels) {
    let label = into.labels.get(name)
    if (!label) {
      label = emptyCounters()
      into.labels.set(name, label)
    }
    addCounters(label, counters)
  }
}

export const labelOf = (aggregate: SeriesAggregate | undefined, label: string): Counters =>
  aggregate?.labels.get(label) ?? emptyCounters()
