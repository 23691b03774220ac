import type { Config } from '../config.ts'
import { DEMO_PASSWORD, DEMO_USERS } from '../sim/demo-seed.ts'

export interface BannerInput {
  url: string
  /** the address the server is bound to, e.g. 127.0.0.1 or :: */
  boundHost: string
}

const allInterfaces = (host: string) => host === '0.0.0.0' || host === '::'

/**
 * What a person needs right after `npm start`: where to go, how to sign in, the token for the API,
 * which database and mode. Printed last, after every start-up line, so it is what stays on screen.
 */
export function startupBanner(config: Config, server: BannerInput): string {
  const rows: Array<[string, string]> = []
  rows.push(['open', server.url])
  rows.push([
    'listening',
    allInterfaces(server.boundHost)
      ? `on every interface (${server.boundHost})`
      : `on ${server.boundHost} only${config.demo ? ' (demo mode; HOST=0.0.0.0 to listen on every interface)' : ''}`,
  ])
  rows.push(['database', config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`])
  const simulator = config.simulator.enabled
    ? `simulator on: ${config.simulator.bookingsPerMinute} bookings/min into the demo restaurants, ${Math.round(config.simulator.cancelShare * 100)}% cancellations (MAITRE_SIMULATOR=0 stops it)`
    : 'simulator off'
  rows.push(['mode', `${config.demo ? 'demo' : config.nodeEnv}; ${simulator}`])
  if (config.demo) {
    rows.push(['sign in', `${DEMO_USERS.map((user) => user.email).join(', ')} (password "${DEMO_PASSWORD}")`])
  }
  rows.push([
    'API token',
    config.apiTokenIsDemo ? `${config.apiToken} (demo)` : 'MAITRE_API_TOKEN from the environment',
  ])
  rows.push([
    'try',
    `curl -H 'authorization: Bearer ${config.apiTokenIsDemo ? config.apiToken : '$MAITRE_API_TOKEN'}' ${server.url}/api/restaurants`,
  ])
  rows.push(['docs', 'README.md, docs/api.md, docs/operations.md'])
  const width = Math.max(...rows.map(([label]) => label.length))
  return ['', 'Maitre is ready', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n')
}
