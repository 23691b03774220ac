import type { AlertState, Comparator, TransitionTarget } from './rules.ts'

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case 'gt':
      return value > threshold
    case 'gte':
      return value >= threshold
    case 'lt':
      return value < threshold
    case 'lte':
      return value <= threshold
  }
}

/** The threshold a relative rule compares with: the baseline moved by maxDeltaPct away from "better". */
export function relativeThreshold(baseline: number, comparator: Comparator, maxDeltaPct: number): number {
  const factor = comparator === 'gt' || comparator === 'gte' ? 1 + maxDeltaPct / 100 : 1 - maxDeltaPct / 100
  return baseline * factor
}

export interface AlertDecision {
  state: AlertState
  /** when the current state began */
  since: Date | null
  /** set when the state changes */
  transition: TransitionTarget | null
}

/**
 * The alert state machine (the Prometheus convention), time injected:
 * - ok + breached: pending (firing at once when forMinutes is 0)
 * - pending + breached for forMinutes: firing; pending + not breached: back to ok
 * - firing + not breached: resolved (state ok)
 * A rule without enough data (breached false) counts as not breached: silence is not an alarm.
 */
export function decideAlert(
  current: { state: AlertState; since: Date | null },
  breached: boolean,
  forMinutes: number,
  now: Date,
): AlertDecision {
  if (current.state === 'ok') {
    if (!breached) return { state: 'ok', since: current.since, transition: null }
    if (forMinutes === 0) return { state: 'firing', since: now, transition: 'firing' }
    return { state: 'pending', since: now, transition: 'pending' }
  }
  if (current.state === 'pending') {
    if (!breached) return { state: 'ok', since: now, transition: 'ok' }
    const since = current.since ?? now
    if (now.getTime() - since.getTime() >= forMinutes * 60_000)
      return { state: 'firing', since: now, transition: 'firing' }
    return { state: 'pending', since, transition: null }
  }
  if (!breached) return { state: 'ok', since: now, transition: 'resolved' }
  return { state: 'firing', since: current.since, transition: null }
}
