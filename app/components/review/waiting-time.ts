/** "just now", "12 min", "2 h 5 min", "3 days": how long a booking has waited, up to `now`. */
export function waitingText(since: string | null, now: number): string {
  if (!since) return 'unknown'
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000))
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
  return `${Math.floor(hours / 24)} days`
}
