/**
 * What guardrails, alerts and ramps need from the metric catalogue: one reading of one named
 * metric over a window. The catalogue (server/analytics/metric-catalog.ts) implements it; readers
 * depend on this interface so they can be tested with a fixed series and a fake clock.
 */
export interface MetricQuery {
  from: Date
  to: Date
  /** restaurant id; absent or null: every restaurant */
  restaurantId?: string | null
  pipeline?: 'legacy' | 'v3'
  /** for reason_share_pct */
  reason?: string
}

export interface MetricReading {
  /** null when there is no observation in the window */
  value: number | null
  /** observations behind the value (quotes, jobs, bookings...) */
  sampleSize: number
}

export interface MetricReader {
  /** rejects with AppError('UNKNOWN_METRIC') for a name the catalogue does not have */
  read(name: string, query: MetricQuery): Promise<MetricReading>
}
