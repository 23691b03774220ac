import type { MetricReader } from '../../analytics/metric-reader.ts'
import { AppError } from '../../errors.ts'

/**
 * Stands in until the metric catalogue (server/analytics/metric-catalog.ts) is on the engine:
 * every metric is unknown, so a ramp can only be created without guardrails and never advances on
 * evidence it cannot read.
 */
export const unavailableMetricReader: MetricReader = {
  async read(name) {
    throw new AppError('UNKNOWN_METRIC', `The metric catalogue is not available; "${name}" cannot be read`, 404)
  },
}
