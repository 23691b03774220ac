import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { useEffect, useRef } from 'react'
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { commitSessionCookie, getSessionToken, requireAnonymous } from '../utils/auth.server.ts'
import { readFormData } from '../utils/form-data.server.ts'
import { safeRedirect } from '../utils/redirect.ts'

export const meta: MetaFunction = () => [{ title: 'Sign in · Maitre' }]

// a throttled attempt's Retry-After must reach the document response too, not only single fetch
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers()
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  return headers
}

const loginSchema = z.object({
  email: z
    .string({ required_error: 'Enter your email address' })
    .trim()
    .min(1, 'Enter your email address')
    .max(320, 'That email address is too long')
    .email('Enter a valid email address, like name@example.com'),
  password: z
    .string({ required_error: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(1_000, 'That password is too long'),
  redirectTo: z.string().optional(),
})

type FieldErrors = Partial<Record<'email' | 'password', string>>

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context)
  return { demo: context.engine.config.demo && context.engine.config.nodeEnv !== 'production' }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readFormData(request)
  if (!form) {
    return data(
      {
        fieldErrors: {} as FieldErrors,
        formError: 'Send the sign-in form as form fields (email, password), not JSON or text.' as string | null,
        email: '',
      },
      { status: 400 },
    )
  }
  const parsed = loginSchema.safeParse({
    email: form.get('email') ?? undefined,
    password: form.get('password') ?? undefined,
    redirectTo: form.get('redirectTo') ?? undefined,
  })
  const email = typeof form.get('email') === 'string' ? String(form.get('email')) : ''
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {}
    for (const issue of parsed.error.issues) {
      const field = issue.path[0]
      if ((field === 'email' || field === 'password') && !fieldErrors[field]) fieldErrors[field] = issue.message
    }
    return data({ fieldErrors, formError: null as string | null, email }, { status: 400 })
  }
  const result = await context.engine.auth.signIn(parsed.data.email, parsed.data.password, {
    clientIp: context.clientIp ?? 'unknown',
    replacing: await getSessionToken(request, context),
  })
  if (!result.ok) {
    const throttled = result.reason === 'throttled'
    return data(
      { fieldErrors: {} as FieldErrors, formError: result.message as string | null, email },
      {
        status: throttled ? 429 : 400,
        headers: throttled ? { 'Retry-After': String(result.retryAfterSeconds) } : undefined,
      },
    )
  }
  throw redirect(safeRedirect(parsed.data.redirectTo), {
    headers: { 'Set-Cookie': await commitSessionCookie(context, result.token, result.expiresAt) },
  })
}

export default function Login() {
  const { demo } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const navigation = useNavigation()
  const submitting = navigation.state === 'submitting'
  const redirectTo = searchParams.get('redirectTo') ?? ''
  const fieldErrors = actionData?.fieldErrors ?? {}
  const emailRef = useRef<HTMLInputElement>(null)
  const passwordRef = useRef<HTMLInputElement>(null)

  // After a failed attempt: clear the password and put the cursor where the fix is needed.
  useEffect(() => {
    if (!actionData) return
    if (passwordRef.current) passwordRef.current.value = ''
    if (actionData.fieldErrors.email) emailRef.current?.focus()
    else passwordRef.current?.focus()
  }, [actionData])

  return (
    <div className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-name">Maitre</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">The table-assignment engine and its control plane.</p>
        {actionData?.formError ? (
          <div className="alert alert-error" role="alert" data-testid="login-error">
            {actionData.formError}
          </div>
        ) : null}
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <div className="field">
            <label htmlFor="email">Email</label>
            <input
              ref={emailRef}
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              autoFocus
              required
              defaultValue={actionData?.email ?? ''}
              aria-invalid={fieldErrors.email ? true : undefined}
              aria-describedby={fieldErrors.email ? 'email-error' : undefined}
            />
            {fieldErrors.email ? (
              <p className="field-error" id="email-error">
                {fieldErrors.email}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={fieldErrors.password ? true : undefined}
              aria-describedby={fieldErrors.password ? 'password-error' : undefined}
            />
            {fieldErrors.password ? (
              <p className="field-error" id="password-error">
                {fieldErrors.password}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button button-primary button-block" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </Form>
        {demo ? (
          <div className="login-demo">
            <strong>Demo logins</strong> (password <code>demo-password</code>): <code>ops@demo.maitre</code>,{' '}
            <code>staff@demo.maitre</code>, <code>engineer@demo.maitre</code>, <code>admin@demo.maitre</code>
          </div>
        ) : null}
      </div>
    </div>
  )
}
