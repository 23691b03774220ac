import type { AppLoadContext } from '@remix-run/node'
import type { Engine } from '../../server/engine.ts'
import { loadAlerts } from '../../app/utils/alerts.server.ts'
import { loadAttempts } from '../../app/utils/attempts.server.ts'
import { parseDashboardFilters } from '../../app/utils/dashboard-filters.ts'
import { parseEventFilters } from '../../app/utils/events-filters.ts'
import { loadEvents } from '../../app/utils/events.server.ts'
import { loadOverview } from '../../app/utils/overview.server.ts'
import { parsePercentilesFilters } from '../../app/utils/percentiles-filters.ts'
import { loadPercentiles } from '../../app/utils/percentiles.server.ts'
import { loadReasons } from '../../app/utils/reasons.server.ts'

type Window = '24h' | '30d'
const ctx = (engine: Engine) => ({ engine }) as AppLoadContext
const filters = (window: Window) => parseDashboardFilters(new URLSearchParams({ window }))

/** Every dashboard page's loader, called as Remix calls it (the engine in the load context). */
export const PAGE_LOADERS: Array<{ path: string; load(engine: Engine, window: Window): Promise<unknown> }> = [
  { path: '/', load: (engine, window) => loadOverview(ctx(engine), filters(window)) },
  {
    path: '/percentiles',
    load: (engine, window) => loadPercentiles(ctx(engine), parsePercentilesFilters(new URLSearchParams({ window }))),
  },
  { path: '/attempts', load: (engine, window) => loadAttempts(ctx(engine), filters(window)) },
  { path: '/reasons', load: (engine, window) => loadReasons(ctx(engine), filters(window)) },
  {
    path: '/events',
    load: (engine, window) =>
      loadEvents(
        ctx(engine),
        parseEventFilters(
          new URLSearchParams({ since: new Date(Date.now() - (window === '24h' ? 1 : 30) * 86_400_000).toISOString() }),
        ),
      ),
  },
  { path: '/alerts', load: (engine) => loadAlerts(ctx(engine)) },
]
