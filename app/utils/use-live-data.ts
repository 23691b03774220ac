import { useQuery } from '@tanstack/react-query'

export class RefreshError extends Error {}

/** GETs a resource route as JSON; a redirect to /login or a 403 becomes a sentence for the status line. */
export async function fetchJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { Accept: 'application/json' } })
  const isJson = response.headers.get('Content-Type')?.includes('application/json') ?? false
  if (response.redirected || !isJson) throw new RefreshError('Your session ended; reload the page to sign in again.')
  if (response.status === 403) throw new RefreshError('Your role no longer allows this dashboard.')
  if (!response.ok) throw new RefreshError(`The server answered ${response.status}.`)
  return (await response.json()) as T
}

/**
 * A live panel: the loader's data first, then the resource route polled every intervalMs
 * (React Query; only for live panels, forms still post to actions). Returns the data, when it was
 * last updated and the refresh error, for LiveStatus.
 */
export function useLiveData<T extends { generatedAt: number }>(url: string, initial: T, intervalMs: number) {
  const query = useQuery({
    queryKey: ['live', url],
    queryFn: ({ signal }) => fetchJson<T>(url, signal),
    initialData: initial,
    initialDataUpdatedAt: initial.generatedAt,
    refetchInterval: intervalMs,
  })
  return {
    data: query.data as T,
    updatedAt: query.dataUpdatedAt,
    error: query.isError ? query.error : null,
    intervalMs,
  }
}
