import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NotBuiltYet } from '../components/not-built-yet.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Users · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWithPermission(request, context, 'read:user:any')
  return null
}

export default function Page() {
  return (
    <NotBuiltYet
      title="Users"
      description="People, their roles and what each role may do."
      capability="user administration"
    />
  )
}
