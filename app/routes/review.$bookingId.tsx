import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useParams } from '@remix-run/react'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Review booking · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:review:any')
  return null
}

export default function Page() {
  const { bookingId } = useParams()
  return (
    <NotBuiltYet
      title={`Review booking ${bookingId ?? ''}`}
      description="Suggested plans, the floor view, retry and cancel for one booking."
      capability="the manual-review queue"
    />
  )
}
