import { useMemo } from 'react'
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { formatMsTick, formatTime, timeTicks } from '../utils/format.ts'
import { useHydrated } from '../utils/use-hydrated.ts'
import { colorAt, dashAt } from './palette.ts'

export interface ChartSeries {
  key: string
  label: string
  color?: string
}

export interface ClipInfo {
  /** the axis top; null when nothing is clipped */
  at: number | null
  /** points above it */
  above: number
  max: number | null
}

/**
 * Outliers are clipped, not log-scaled: when the highest point is more than 3x the 95th
 * percentile of the plotted values, the axis stops at 1.5x that percentile and the few points
 * above run off the top (the chart says how many; the table has their values). A log scale would
 * keep them visible but make ops misread differences between the lines that matter.
 */
export function clipFor(values: number[]): ClipInfo {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length < 5) return { at: null, above: 0, max: sorted[sorted.length - 1] ?? null }
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!
  const max = sorted[sorted.length - 1]!
  if (p95 <= 0 || max <= 3 * p95) return { at: null, above: 0, max }
  const at = niceCeil(1.5 * p95)
  return { at, above: sorted.filter((v) => v > at).length, max }
}

function niceCeil(value: number): number {
  const magnitude = Math.pow(10, Math.floor(Math.log10(value)))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude
  return 10 * magnitude
}

/**
 * Values over time, one point per bucket: lines (gaps where a bucket has no data) or stacked
 * areas (shares). Rendered in the browser only: labels use the viewer's timezone and the
 * container measures itself.
 */
export function TimeSeriesChart<T extends { t: number }>({
  data,
  series,
  range,
  label,
  unit = '',
  height = 280,
  stacked = false,
  clip,
}: {
  data: T[]
  series: ChartSeries[]
  range: { from: number; to: number }
  label: string
  unit?: string
  height?: number
  stacked?: boolean
  clip?: ClipInfo
}) {
  const hydrated = useHydrated()
  const { ticks, stepMs } = useMemo(() => timeTicks(range.from, range.to), [range.from, range.to])
  const span = range.to - range.from
  const axis = {
    x: (
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[range.from, range.to]}
        ticks={ticks}
        tickFormatter={(value: number) => formatTime(value, stepMs, span)}
        tick={{ fontSize: 12, fill: '#5f6873' }}
        tickLine={false}
        axisLine={{ stroke: '#cfd4da' }}
        minTickGap={24}
      />
    ),
    y: (
      <YAxis
        tickFormatter={formatMsTick}
        tick={{ fontSize: 12, fill: '#5f6873' }}
        tickLine={false}
        axisLine={false}
        width={52}
        domain={clip?.at ? [0, clip.at] : stacked ? [0, 100] : [0, 'auto']}
        allowDataOverflow={Boolean(clip?.at)}
        label={unit ? { value: unit, angle: -90, position: 'insideLeft', fill: '#5f6873', fontSize: 12 } : undefined}
      />
    ),
  }
  const tooltip = (
    <Tooltip
      labelFormatter={(value) => formatTime(Number(value), Math.min(stepMs, 3_600_000), span)}
      formatter={(value) => (typeof value === 'number' ? `${formatMsTick(value)} ${unit}` : '—')}
      contentStyle={{ borderRadius: 6, borderColor: '#e3e6ea', fontSize: 12 }}
    />
  )
  return (
    <div className="chart" style={{ height }} role="img" aria-label={label} data-testid="time-series-chart">
      {hydrated ? (
        <ResponsiveContainer width="100%" height="100%">
          {stacked ? (
            <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 4 }}>
              <CartesianGrid stroke="#eceef1" vertical={false} />
              {axis.x}
              {axis.y}
              {tooltip}
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {series.map((s, i) => (
                <Area
                  key={s.key}
                  type="linear"
                  dataKey={s.key}
                  name={s.label}
                  stackId="1"
                  stroke={s.color ?? colorAt(i)}
                  fill={s.color ?? colorAt(i)}
                  fillOpacity={0.55}
                  isAnimationActive={false}
                />
              ))}
            </AreaChart>
          ) : (
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 4 }}>
              <CartesianGrid stroke="#eceef1" vertical={false} />
              {axis.x}
              {axis.y}
              {tooltip}
              <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
              {series.map((s, i) => (
                <Line
                  key={s.key}
                  type="linear"
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color ?? colorAt(i)}
                  strokeDasharray={dashAt(i)}
                  strokeWidth={i === 0 ? 2.25 : 1.75}
                  dot={data.length <= 3 ? { r: 3 } : false}
                  activeDot={{ r: 3 }}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          )}
        </ResponsiveContainer>
      ) : (
        <div className="chart-placeholder">Loading chart…</div>
      )}
    </div>
  )
}

/** The sentence a ChartFrame shows under a clipped chart. */
export function clipNote(clip: ClipInfo, unit: string): string | null {
  if (!clip.at) return null
  return `Axis clipped at ${formatMsTick(clip.at)} ${unit}: ${clip.above} point${clip.above === 1 ? '' : 's'} above it (highest ${formatMsTick(clip.max ?? 0)} ${unit}) run off the top; the table has every value.`
}
