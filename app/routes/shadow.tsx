import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Shadow · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:dashboard:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Shadow"
      description="Pipeline V3 running beside the legacy pipeline: match rate and mismatches."
      capability="Pipeline V3 shadow mode and its comparisons"
    />
  )
}
