import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { destroySessionCookie, getSessionToken } from '../utils/auth.server.ts'
import { readFormData } from '../utils/form-data.server.ts'

// Sign out is a POST (a form in the header); a GET just goes home.
export async function loader() {
  return redirect('/')
}

// `scope=everywhere` ends every session of this user (other browsers and devices too).
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readFormData(request)
  const token = await getSessionToken(request, context)
  if (form?.get('scope') === 'everywhere') await context.engine.auth.signOutEverywhere(token)
  else await context.engine.auth.signOut(token)
  return redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(context) } })
}
