import type { MetaFunction } from '@remix-run/node'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'

// Every URL no other route matches: a 404 rendered by the error boundary.
export const meta: MetaFunction = () => [{ title: 'Page not found · Maitre' }]

export async function loader() {
  throw new Response('Not found', { status: 404 })
}

// Never rendered (the loader always throws); a default export keeps this a page, not a resource route.
export default function NotFound() {
  return null
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
