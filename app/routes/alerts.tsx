import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Alerts · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Alerts"
      description="Dashboard metrics that crossed their thresholds."
      capability="alerting on the dashboard metrics"
    />
  )
}
