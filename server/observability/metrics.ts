import client from 'prom-client'

/** One registry per engine, so tests can run several engines in one process. */
export function createMetrics() {
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry, prefix: 'maitre_' })
  const httpRequests = new client.Counter({
    name: 'maitre_http_requests_total',
    help: 'HTTP API requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  return { registry, httpRequests }
}

export type Metrics = ReturnType<typeof createMetrics>
