import client from 'prom-client'

/** One registry per engine, so tests can run several engines in one process. */
export function createMetrics() {
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry, prefix: 'maitre_' })
  const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
  return {
    registry,
    httpRequests: new client.Counter({
      name: 'maitre_http_requests_total',
      help: 'HTTP API requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    plannerDuration: new client.Histogram({
      name: 'maitre_planner_duration_seconds',
      help: 'Planner quote duration, cache hits included',
      labelNames: ['trigger', 'cache_hit'] as const,
      buckets: [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.01, 0.05],
      registers: [registry],
    }),
    inlineDuration: new client.Histogram({
      name: 'maitre_inline_auto_assign_duration_seconds',
      help: 'Inline auto-assign duration at booking intake',
      labelNames: ['outcome'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
    jobAttempts: new client.Histogram({
      name: 'maitre_auto_assign_job_attempts',
      help: 'Attempts used per background auto-assign job',
      labelNames: ['result'] as const,
      buckets: [0, 1, 2, 3, 4, 5, 6, 8, 10],
      registers: [registry],
    }),
    attemptOutcomes: new client.Counter({
      name: 'maitre_assignment_attempts_total',
      help: 'Assignment attempts by trigger, outcome and reason code',
      labelNames: ['trigger', 'outcome', 'reason'] as const,
      registers: [registry],
    }),
    planCacheLookups: new client.Counter({
      name: 'maitre_plan_cache_lookups_total',
      help: 'Plan cache lookups by result (hit or miss)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    flagEvaluations: new client.Counter({
      name: 'maitre_flag_evaluations_total',
      help: 'Feature flag evaluations through OpenFeature by flag, variant and reason',
      labelNames: ['flag', 'variant', 'reason'] as const,
      registers: [registry],
    }),
    jobResults: new client.Counter({
      name: 'maitre_auto_assign_jobs_total',
      help: 'Background auto-assign jobs by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    reseatSearches: new client.Counter({
      name: 'maitre_reseat_searches_total',
      help: 'Online re-seating searches by result (found, NO_REARRANGEMENT, SEARCH_BUDGET_EXHAUSTED...)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  }
}

export type EngineMetrics = ReturnType<typeof createMetrics>
export type Metrics = EngineMetrics
