import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { parseShadowFilters } from '../utils/shadow-filters.ts'
import { loadShadow } from '../utils/shadow.server.ts'

// JSON for the live refresh of /shadow: same permission, same filter parsing as the page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const payload = await loadShadow(context, parseShadowFilters(new URL(request.url).searchParams))
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
