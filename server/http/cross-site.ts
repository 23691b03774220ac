import type { Request, RequestHandler } from 'express'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for cookie-authenticated routes (pages, forms, resource routes, Remix data
 * requests): a request that can change something must come from our own pages. Browsers say where
 * a request comes from in Sec-Fetch-Site (all current ones) and Origin (every cross-origin POST);
 * we refuse `cross-site`, `same-site` (a sibling subdomain is not us) and a foreign or "null"
 * Origin. A request with neither header is not a browser acting for a signed-in user (curl, a
 * monitor) and is let through: nothing rides on ambient cookies there. Mounted once at the host,
 * so every route added later is covered without doing anything. /api is not behind it: it
 * authenticates with a bearer token a browser never attaches on its own.
 */
export function refuseCrossSiteRequests(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next()
    const verdict = crossSiteVerdict(req)
    if (!verdict) return next()
    res
      .status(403)
      .type('text/plain')
      .send(
        `Refused: this ${req.method} came from another site (${verdict}). ` +
          'If you meant to do this, open Maitre directly and submit the form from its own page.',
      )
  }
}

function ownHosts(req: Request): Set<string> {
  const hosts = new Set<string>()
  const host = req.get('host')
  if (host) hosts.add(host.toLowerCase())
  // behind a trusted reverse proxy the browser's host is in X-Forwarded-Host
  const forwarded = req.get('x-forwarded-host')
  const trust = req.app.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined
  if (forwarded && trust?.(req.socket.remoteAddress ?? '', 0)) {
    hosts.add(forwarded.split(',')[0]!.trim().toLowerCase())
  }
  return hosts
}

/** Why the request is cross-site, or null when it is ours (or not from a browser). */
function crossSiteVerdict(req: Request): string | null {
  const site = req.get('sec-fetch-site')?.toLowerCase()
  if (site && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`
  const origin = req.get('origin')
  if (origin === undefined) return null
  if (origin === 'null') return 'Origin: null'
  let host: string
  try {
    host = new URL(origin).host.toLowerCase()
  } catch {
    return `Origin: ${origin.slice(0, 100)}`
  }
  return ownHosts(req).has(host) ? null : `Origin: ${origin.slice(0, 100)}`
}

/**
 * The app runs Remix single fetch: pages load data from `<path>.data`. Remix still answers the
 * pre-single-fetch `?_data=<routeId>` form (and sends a 500 when the route id is wrong), and such a
 * POST reaches the route's action like a form would: refuse it before Remix sees it.
 */
export const refuseLegacyDataRequests: RequestHandler = (req, res, next) => {
  if (!('_data' in req.query)) return next()
  res
    .status(400)
    .type('text/plain')
    .send('This app uses Remix single fetch: "?_data=" requests are not supported; request "<path>.data" instead.')
}
