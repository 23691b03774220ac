import { useState } from 'react'
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from '@remix-run/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { AppShell } from './components/app-shell.tsx'
import { GeneralErrorBoundary } from './components/error-boundary.tsx'
import appStyles from './styles/app.css?url'
import { getUser } from './utils/auth.server.ts'
import { navigationFor } from './utils/navigation.ts'
import { useCspNonce } from './utils/csp-nonce.ts'

export const links: LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  { rel: 'stylesheet', href: appStyles },
]

export const meta: MetaFunction = () => [{ title: 'Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context)
  return {
    user: user ? { name: user.name, email: user.email, roles: user.roles, permissions: user.permissions } : null,
  }
}

export type RootUser = NonNullable<Awaited<ReturnType<typeof loader>>['user']>

// Layout wraps both the pages and the error boundary, so a 403 or 404 still shows the shell
// (navigation, user, sign out) whenever someone is signed in.
export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const user = data?.user ?? null
  const nonce = useCspNonce()
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {user ? (
          <AppShell user={user} sections={navigationFor(user)}>
            {children}
          </AppShell>
        ) : (
          children
        )}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 2_000 } },
      }),
  )
  return (
    <QueryClientProvider client={queryClient}>
      <Outlet />
    </QueryClientProvider>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
