import { useHydrated } from '../utils/use-hydrated.ts'
import { RefreshError } from '../utils/use-live-data.ts'

/** "Live · every 5 s · updated 10:42:07", or why live refresh paused. Nothing without JavaScript. */
export function LiveStatus({
  updatedAt,
  error,
  intervalMs,
}: {
  updatedAt: number
  error: Error | null
  intervalMs: number
}) {
  const hydrated = useHydrated()
  if (!hydrated) return null // without JavaScript there is no live refresh: reload for new data
  if (error) {
    return (
      <span className="live" role="status">
        <span className="live-dot paused" aria-hidden="true" />
        Live refresh paused: {error instanceof RefreshError ? error.message : 'the server did not answer.'}
      </span>
    )
  }
  return (
    <span className="live" role="status" data-testid="live-status" data-updated-at={updatedAt}>
      <span className="live-dot" aria-hidden="true" />
      Live · every {intervalMs / 1000} s · updated {new Date(updatedAt).toLocaleTimeString()}
    </span>
  )
}
