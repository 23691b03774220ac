/**
 * A mergeable log-scale histogram (the DDSketch idea with fixed buckets): a value v > 0 falls in
 * bucket i = ceil(ln(v) / ln(GAMMA)), which covers (GAMMA^(i-1), GAMMA^i]. A bucket is estimated
 * by 2 * GAMMA^i / (GAMMA + 1), which is within RELATIVE_ERROR of every value in it; so a
 * percentile read from merged per-minute sketches is within 1 % of the exact nearest-rank
 * percentile of the raw values, whatever the number of minutes merged. Values below MIN_VALUE
 * (zero included) count in MIN_VALUE's bucket. docs/metrics.md states the bound for users.
 *
 * The SQL that builds sketches (sql/analytics/rollup-*.sql) takes LN_GAMMA and MIN_VALUE as
 * parameters, so the bucket formula exists once, here.
 */
export const RELATIVE_ERROR = 0.01
export const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
export const LN_GAMMA = Math.log(GAMMA)
export const MIN_VALUE = 0.001

/** bucket index -> count */
export type Sketch = Map<number, number>

export function bucketOf(value: number): number {
  return Math.ceil(Math.log(Math.max(value, MIN_VALUE)) / LN_GAMMA)
}

export function bucketEstimate(index: number): number {
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1)
}

export function sketchOf(values: number[]): Sketch {
  const sketch: Sketch = new Map()
  for (const value of values) addTo(sketch, bucketOf(value), 1)
  return sketch
}

export function addTo(sketch: Sketch, index: number, count: number): void {
  sketch.set(index, (sketch.get(index) ?? 0) + count)
}

/** Adds a stored sketch (jsonb object: index -> count) into `into`. */
export function mergeInto(into: Sketch, stored: Record<string, unknown> | Sketch | null | undefined): void {
  if (!stored) return
  const entries = stored instanceof Map ? stored.entries() : Object.entries(stored)
  for (const [key, count] of entries) {
    const n = Number(count)
    if (n > 0) addTo(into, Number(key), n)
  }
}

/**
 * The nearest-rank q-quantile (0 < q <= 1): the estimate of the bucket holding the
 * ceil(q * n)-th smallest value; null for an empty sketch.
 */
export function quantile(sketch: Sketch, q: number): number | null {
  let total = 0
  for (const count of sketch.values()) total += count
  if (total === 0) return null
  const rank = Math.max(1, Math.ceil(q * total))
  const indexes = [...sketch.keys()].sort((a, b) => a - b)
  let seen = 0
  for (const index of indexes) {
    seen += sketch.get(index)!
    if (seen >= rank) return bucketEstimate(index)
  }
  return bucketEstimate(indexes[indexes.length - 1]!)
}

/** The exact nearest-rank quantile of raw values (tests and docs compare the sketch against it). */
export function exactQuantile(values: number[], q: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!
}
