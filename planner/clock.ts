// The clock used for stats.durationMs only: the caller's `now`, else globalThis.performance.now
// when the runtime has one. Results never depend on it; a throwing clock just drops durationMs.
export type Clock = () => number

export function pickClock(now: unknown): Clock | null {
  if (typeof now === 'function') return now as Clock
  const perf = (globalThis as { performance?: { now?: () => number } }).performance
  if (perf && typeof perf.now === 'function') return perf.now.bind(perf)
  return null
}

export function readClock(clock: Clock | null): number | undefined {
  if (!clock) return undefined
  try {
    const t = clock()
    return typeof t === 'number' && Number.isFinite(t) ? t : undefined
  } catch {
    return undefined
  }
}
