import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { loadReviewQueue, parseQueueFilters } from '../utils/review.server.ts'

// JSON for the live queue on /review: same permission, same filter parsing as the page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:review:any')
  const filters = parseQueueFilters(new URL(request.url).searchParams)
  const payload = await loadReviewQueue(context, user, filters)
  return Response.json(payload, { headers: { 'Cache-Control': 'no-store' } })
}
