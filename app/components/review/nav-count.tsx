import { useEffect, useState } from 'react'

const REFRESH_MS = 10_000

/**
 * A live count beside a navigation link (the bookings waiting in manual review). The shell sits
 * outside the pages' React Query provider, so this polls on its own; it shows nothing until the
 * first answer, and nothing for zero: the link says enough then.
 */
export function NavCount({ source, label }: { source: string; label: string }) {
  const [count, setCount] = useState<number | null>(null)
  useEffect(() => {
    let stopped = false
    const load = async () => {
      try {
        const response = await fetch(source, { headers: { Accept: 'application/json' } })
        if (!response.ok || !response.headers.get('Content-Type')?.includes('application/json')) return
        const body = (await response.json()) as { count?: unknown }
        if (!stopped && typeof body.count === 'number') setCount(body.count)
      } catch {
        // offline for a moment: keep the last count
      }
    }
    void load()
    const timer = setInterval(load, REFRESH_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [source])
  if (!count) return null
  return (
    <span className="nav-count" aria-label={`${count} ${label}`} title={`${count} ${label}`} data-testid="nav-count">
      {count}
    </span>
  )
}
