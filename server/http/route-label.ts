/**
 * The route template ("/api/bookings/:id") a request matches in an Express router, for metric
 * labels. Read from the router's own table, not from req.route after the fact: once a handler
 * calls next(error), Express has already unwound req.baseUrl, and a request refused before routing
 * (bad JSON, a NUL byte) never set req.route at all; both were labelled "/api/". Express 4's
 * Layer API (match, route, handle.stack) is what its own dispatcher uses.
 */
interface Layer {
  match(path: string): boolean
  path: string
  route?: { path: string; _handles_method(method: string): boolean }
  handle?: { stack?: Layer[] }
}

function resolve(stack: Layer[], method: string, path: string, prefix: string): string | null {
  for (const layer of stack) {
    if (!layer.match(path)) continue
    if (layer.route) {
      if (layer.route._handles_method(method)) return prefix + layer.route.path
      continue
    }
    const inner = layer.handle?.stack
    if (!Array.isArray(inner)) continue
    const mounted = layer.path
    const found = resolve(inner, method, path.slice(mounted.length) || '/', prefix + mounted)
    if (found) return found
  }
  return null
}

/** `path` is relative to the router; returns e.g. "/api/bookings" or "unmatched". */
export function routeLabel(router: { stack: unknown[] }, method: string, path: string, mountPath: string): string {
  const found = resolve(router.stack as Layer[], method, path, mountPath)
  if (!found) return 'unmatched'
  return found.length > 1 && found.endsWith('/') ? found.slice(0, -1) : found
}
