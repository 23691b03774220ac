import type { FlagOverview } from '../../../server/flags/flag-control.ts'

export type FlagValue = boolean | number | string

export const formatValue = (value: FlagValue | null | undefined) =>
  value === null || value === undefined ? '—' : typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)

/** The kill switch: an env override wins over every rule and cannot be changed from here. */
export function EnvOverrideBadge({ flag }: { flag: Pick<FlagOverview, 'envOverride' | 'envVariable'> }) {
  if (flag.envOverride === null) return <span className="muted">none</span>
  return (
    <span className="badge badge-locked" title="Set in the environment: it wins over every rule until removed">
      🔒 {flag.envVariable}={formatValue(flag.envOverride)} (locked)
    </span>
  )
}

/** "12 of 200 restaurants = 6%", next to the global rule's target. */
export function RealisedShare({
  realised,
  target,
}: {
  realised: { on: number; total: number }
  target: number | null
}) {
  const pct = realised.total > 0 ? Math.round((1000 * realised.on) / realised.total) / 10 : 0
  return (
    <span data-testid="realised-share">
      {realised.on} of {realised.total} restaurants = {pct}%
      {target !== null ? <span className="share-note"> (target {target}%)</span> : null}
    </span>
  )
}

const RAMP_CLASSES: Record<string, string> = {
  running: 'badge badge-on',
  scheduled: 'badge',
  paused: 'badge badge-locked',
  completed: 'badge badge-on',
  rolled_back: 'badge badge-danger',
}

export function RampStateBadge({ state }: { state: string }) {
  return <span className={RAMP_CLASSES[state] ?? 'badge'}>{state.replace('_', ' ')}</span>
}
