import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel'

/** An infrastructure failure (the database, the network): the only kind that trips a breaker. */
export class InfrastructureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'InfrastructureError'
  }
}

export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerOptions {
  /** consecutive infrastructure failures that open a restaurant's breaker */
  threshold: number
  /** how long it stays open before one probe may pass (half-open) */
  halfOpenAfterMs: number
  onStateChange?: (restaurantId: string, state: BreakerState) => void
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
}

/**
 * One cockatiel circuit breaker per restaurant, owned by the engine (no module state). Policy:
 * after `threshold` consecutive InfrastructureErrors the restaurant's breaker opens and V3 answers
 * retry without touching the database; after `halfOpenAfterMs` one call probes: success closes
 * it, failure opens it again. Planner outcomes (no table free) are answers, not failures.
 */
export function createBreakerRegistry(options: BreakerOptions) {
  const breakers = new Map<string, CircuitBreakerPolicy>()
  const openedAt = new Map<string, number>()

  function forRestaurant(restaurantId: string): CircuitBreakerPolicy {
    let breaker = breakers.get(restaurantId)
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => error instanceof InfrastructureError),
        { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.threshold) },
      )
      breaker.onStateChange((state) => {
        if (state === CircuitState.Open) openedAt.set(restaurantId, Date.now())
        if (state === CircuitState.Closed) openedAt.delete(restaurantId)
        options.onStateChange?.(restaurantId, STATES[state])
      })
      breakers.set(restaurantId, breaker)
    }
    return breaker
  }

  return {
    forRestaurant,
    state(restaurantId: string): BreakerState {
      const breaker = breakers.get(restaurantId)
      return breaker ? STATES[breaker.state] : 'closed'
    },
    /** how long until an open breaker lets a probe through (0 when not open) */
    retryAfterMs(restaurantId: string): number {
      const opened = openedAt.get(restaurantId)
      if (opened === undefined || this.state(restaurantId) !== 'open') return 0
      return Math.max(0, opened + options.halfOpenAfterMs - Date.now())
    },
  }
}

export type BreakerRegistry = ReturnType<typeof createBreakerRegistry>
