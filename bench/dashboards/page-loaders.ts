import type { AppLoadContext } from '@remix-run/node'
import type { Engine } from '../../server/engine.ts'
import { parsePercentilesFilters } from '../../app/utils/percentiles-filters.ts'
import { loadPercentiles } from '../../app/utils/percentiles.server.ts'

/** Every dashboard page's loader, called as Remix calls it (the engine in the load context). */
export const PAGE_LOADERS: Array<{ path: string; load(engine: Engine, window: '24h' | '30d'): Promise<unknown> }> = [
  {
    path: '/percentiles',
    load: (engine, window) =>
      loadPercentiles({ engine } as AppLoadContext, parsePercentilesFilters(new URLSearchParams({ window }))),
  },
]
