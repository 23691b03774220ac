import { Sparkline } from './sparkline.tsx'

export interface TileProps {
  label: string
  value: string
  unit?: string
  note?: string
  small?: boolean
  testId?: string
  /** a trend drawn under the value (null points are gaps) */
  trend?: Array<number | null>
  /** 'bad' draws the value in the warning colour (an alert threshold crossed) */
  tone?: 'bad' | 'good'
}

/** One number with its label: what ops read first on every page. */
export function Tile({ label, value, unit, note, small, testId, trend, tone }: TileProps) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`} data-testid={testId}>
      <div className="tile-label">{label}</div>
      <div className={small ? 'tile-value tile-value-small' : 'tile-value'}>
        {value}
        {unit && value !== '—' ? <span className="tile-unit">{unit}</span> : null}
      </div>
      {trend && trend.some((v) => v !== null) ? <Sparkline values={trend} label={`${label} trend`} /> : null}
      {note ? <div className="tile-note">{note}</div> : null}
    </div>
  )
}

export function Tiles({ children, testId }: { children: React.ReactNode; testId?: string }) {
  return (
    <div className="tiles" data-testid={testId}>
      {children}
    </div>
  )
}
