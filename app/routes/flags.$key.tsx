import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useParams } from '@remix-run/react'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Feature flag · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:flag:any')
  return null
}

export default function Page() {
  const { key } = useParams()
  return (
    <NotBuiltYet
      title={`Flag ${key ?? ''}`}
      description="Rules per restaurant, ramps and their audit trail."
      capability="the feature-flag control plane"
    />
  )
}
