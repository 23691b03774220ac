import { useHydrated } from '../../utils/use-hydrated.ts'

/** "Live · updated 19:02:05", or why updates stopped; nothing before hydration (no polling yet). */
export function LiveIndicator({ updatedAt, error }: { updatedAt: number; error: Error | null }) {
  const hydrated = useHydrated()
  if (!hydrated) return null
  const time = new Date(updatedAt).toLocaleTimeString('en-GB', { hour12: false })
  return (
    <span className="live" role="status" data-testid="review-live">
      <span className={error ? 'live-dot paused' : 'live-dot'} aria-hidden="true" />
      {error ? `Paused: ${error.message}` : `Live · updated ${time}`}
    </span>
  )
}
