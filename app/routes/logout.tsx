import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { destroySessionCookie, getSessionToken } from '../utils/auth.server.ts'

// Sign out is a POST (a form in the header); a GET just goes home.
export async function loader() {
  return redirect('/')
}

export async function action({ request, context }: ActionFunctionArgs) {
  await context.engine.auth.signOut(await getSessionToken(request, context))
  return redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(context) } })
}
