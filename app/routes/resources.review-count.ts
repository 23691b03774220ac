import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUserWithPermission } from '../utils/auth.server.ts'

// The navigation's count of bookings waiting for a person.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:review:any')
  const count = await context.engine.review.count()
  return Response.json({ count }, { headers: { 'Cache-Control': 'no-store' } })
}
