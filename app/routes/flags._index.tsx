import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Feature flags · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:flag:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Feature flags"
      description="Per-restaurant flags, percentage ramps, staged ramps with guardrails and the kill switch."
      capability="the feature-flag control plane"
    />
  )
}
