import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Events · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:event:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Events"
      description="Raw engine telemetry, newest first."
      capability="the event explorer (on GET /api/events)"
    />
  )
}
