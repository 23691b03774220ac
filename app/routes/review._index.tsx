import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Manual review · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:review:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Manual review"
      description="Bookings the engine could not seat, waiting for a person."
      capability="the manual-review queue"
    />
  )
}
