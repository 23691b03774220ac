import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Attempts · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Attempts"
      description="Background-job attempts per booking, success rate and time to success."
      capability="the job-attempt dashboards (attempts per booking, job_success_rate, time to success)"
    />
  )
}
