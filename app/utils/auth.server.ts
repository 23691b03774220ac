import { createCookie, redirect, type AppLoadContext, type Cookie } from '@remix-run/node'
import type { SessionUser } from '../../server/auth/auth-service.ts'
import type { PermissionString } from '../../server/auth/roles.ts'
import { userHasPermission } from './permissions.ts'
import { safeRedirect } from './redirect.ts'

// The cookie holds only the session token from engine.auth.signIn; the session itself lives in the
// database (hashed token), so signing out or expiring it server-side takes effect at once.
export const SESSION_COOKIE_NAME = 'maitre_session'

const cookies = new Map<string, Cookie>()

/** The signed, httpOnly, sameSite=lax session cookie (secure in production). */
export function sessionCookie(context: AppLoadContext): Cookie {
  const { sessionSecret, nodeEnv } = context.engine.config
  const secure = nodeEnv === 'production'
  const key = `${secure}:${sessionSecret}`
  let cookie = cookies.get(key)
  if (!cookie) {
    cookie = createCookie(SESSION_COOKIE_NAME, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure,
      secrets: [sessionSecret],
    })
    cookies.set(key, cookie)
  }
  return cookie
}

/** The session token from the request's cookie, or null when absent or tampered with. */
export async function getSessionToken(request: Request, context: AppLoadContext): Promise<string | null> {
  const value: unknown = await sessionCookie(context).parse(request.headers.get('Cookie'))
  return typeof value === 'string' && value.length > 0 ? value : null
}

/** Set-Cookie value that stores a new session token until it expires. */
export function commitSessionCookie(context: AppLoadContext, token: string, expiresAt: Date): Promise<string> {
  return sessionCookie(context).serialize(token, { expires: expiresAt })
}

/** Set-Cookie value that removes the session cookie. */
export function destroySessionCookie(context: AppLoadContext): Promise<string> {
  return sessionCookie(context).serialize('', { expires: new Date(0), maxAge: 0 })
}

// Root and route loaders of one request share the Request object: look the session up once.
const usersByRequest = new WeakMap<Request, Promise<SessionUser | null>>()

/** The signed-in user, or null. */
export function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  let user = usersByRequest.get(request)
  if (!user) {
    user = getSessionToken(request, context).then((token) => context.engine.auth.getSessionUser(token))
    usersByRequest.set(request, user)
  }
  return user
}

/** The signed-in user; otherwise redirects to /login?redirectTo=<this page>. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getUser(request, context)
  if (user) return user
  const url = new URL(request.url)
  const here = `${url.pathname}${url.search}`
  // come back here after signing in, unless "here" is the home page or a resource route (JSON)
  const comeBack = here !== '/' && !url.pathname.startsWith('/resources/')
  const params = comeBack ? `?${new URLSearchParams({ redirectTo: here })}` : ''
  throw redirect(`/login${params}`)
}

/** The signed-in user holding `permission`; otherwise a 403 response (or the redirect to /login). */
export async function requireUserWithPermission(
  request: Request,
  context: AppLoadContext,
  permission: PermissionString,
): Promise<SessionUser> {
  const user = await requireUser(request, context)
  if (userHasPermission(user, permission)) return user
  throw Response.json(
    {
      error: 'forbidden',
      message: `Your role (${user.roles.join(', ') || 'none'}) does not include the permission this page needs.`,
      requiredPermission: permission,
    } satisfies ForbiddenBody,
    { status: 403 },
  )
}

/** For /login: a signed-in user goes straight on (to ?redirectTo when it is a local path). */
export async function requireAnonymous(request: Request, context: AppLoadContext): Promise<void> {
  if (await getUser(request, context)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')))
  }
}

export interface ForbiddenBody {
  error: 'forbidden'
  message: string
  requiredPermission: PermissionString
}
