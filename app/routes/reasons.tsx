import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Reasons · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Reasons"
      description="Why the planner could not seat bookings, as shares of all failures."
      capability="the reason-share dashboard (reason_share_pct by reason code and category)"
    />
  )
}
