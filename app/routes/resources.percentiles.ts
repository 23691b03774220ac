import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { parsePercentilesFilters } from '../utils/percentiles-filters.ts'
import { loadPercentiles } from '../utils/percentiles.server.ts'

// JSON for the live refresh of /percentiles: same permission, same filter parsing as the page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  const filters = parsePercentilesFilters(new URL(request.url).searchParams)
  const payload = await loadPercentiles(context, filters)
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
