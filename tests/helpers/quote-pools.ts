import { afterEach } from 'vitest'
import { QuotePool } from '../../server/assignment/quote-pool.ts'

/**
 * A maker of quote pools for one test file: every pool it made is closed after each test, and its
 * worker threads with it (a test that fails midway leaves no thread behind).
 */
export function quotePoolsClosedAfterEach(): (options: ConstructorParameters<typeof QuotePool>[0]) => QuotePool {
  const pools: QuotePool[] = []
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((made) => made.close()))
  })
  return (options) => {
    const made = new QuotePool(options)
    pools.push(made)
    return made
  }
}
