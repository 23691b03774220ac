import { isRouteErrorResponse, Link, useLocation, useRouteError } from '@remix-run/react'

function forbiddenPermission(data: unknown): string | null {
  if (data && typeof data === 'object' && 'requiredPermission' in data) {
    const permission = (data as { requiredPermission: unknown }).requiredPermission
    return typeof permission === 'string' ? permission : null
  }
  return null
}

/** One error view for the whole app: 403, 404 and unexpected errors. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const location = useLocation()

  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <ErrorPanel code="404" title="Page not found" testId="not-found">
        <p>
          There is no page at <code>{location.pathname}</code>.
        </p>
        <p>
          <Link to="/">Go to the overview</Link>
        </p>
      </ErrorPanel>
    )
  }
  if (isRouteErrorResponse(error) && error.status === 403) {
    const permission = forbiddenPermission(error.data)
    return (
      <ErrorPanel code="403" title="You don't have access to this page" testId="forbidden">
        <p>
          Your account is signed in, but its role does not allow this page
          {permission ? (
            <>
              {' '}
              (it needs <code>{permission}</code>)
            </>
          ) : null}
          . Ask an administrator if you need it.
        </p>
        <p>
          <Link to="/">Go to the overview</Link>
        </p>
      </ErrorPanel>
    )
  }
  if (isRouteErrorResponse(error)) {
    return (
      <ErrorPanel code={String(error.status)} title={error.statusText || 'Request failed'} testId="error">
        <p>{typeof error.data === 'string' ? error.data : 'The request could not be completed.'}</p>
      </ErrorPanel>
    )
  }
  const message = error instanceof Error ? error.message : 'Unknown error'
  return (
    <ErrorPanel code="500" title="Something went wrong" testId="error">
      <p>The page failed to load. Try again; if it keeps failing, the server log has the details.</p>
      {import.meta.env.DEV ? <pre className="error-detail">{message}</pre> : null}
    </ErrorPanel>
  )
}

function ErrorPanel({
  code,
  title,
  testId,
  children,
}: {
  code: string
  title: string
  testId: string
  children: React.ReactNode
}) {
  return (
    <div className="error-page" data-testid={testId}>
      <div className="error-code">{code}</div>
      <h1>{title}</h1>
      {children}
    </div>
  )
}
