import { useMemo } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatMs, formatMsTick, formatTime, timeTicks } from '../utils/format.ts'
import { useHydrated } from '../utils/use-hydrated.ts'

export interface LatencySeries {
  key: string
  label: string
  color: string
}

export const PERCENTILE_COLORS = { p50: '#2563eb', p90: '#0d9488', p95: '#d97706', p99: '#dc2626' } as const

interface DotProps {
  cx?: number
  cy?: number
  index?: number
  key?: string
}

/**
 * Percentiles over time, one point per bucket; buckets without data leave a gap rather than a
 * made-up line, and a point with empty buckets on both sides is drawn as a dot so it stays visible.
 * Rendered in the browser only: labels use the viewer's timezone and the container measures itself.
 */
export function LatencyChart<T extends { t: number }>({
  data,
  series,
  range,
  label,
  height = 300,
}: {
  data: T[]
  series: LatencySeries[]
  range: { from: number; to: number }
  label: string
  height?: number
}) {
  const hydrated = useHydrated()
  const { ticks, stepMs } = useMemo(() => timeTicks(range.from, range.to), [range.from, range.to])
  const span = range.to - range.from
  const isolated = useMemo(() => {
    const value = (i: number, key: string) => (data[i] as Record<string, unknown> | undefined)?.[key]
    const present = (i: number, key: string) => typeof value(i, key) === 'number'
    return new Map(
      series.map((s) => [
        s.key,
        new Set(
          data.map((_, i) => i).filter((i) => present(i, s.key) && !present(i - 1, s.key) && !present(i + 1, s.key)),
        ),
      ]),
    )
  }, [data, series])

  return (
    <div className="chart" style={{ height }} role="img" aria-label={label} data-testid="latency-chart">
      {hydrated ? (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 4 }}>
            <CartesianGrid stroke="#eceef1" vertical={false} />
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
            <YAxis
              tickFormatter={formatMsTick}
              tick={{ fontSize: 12, fill: '#5f6873' }}
              tickLine={false}
              axisLine={false}
              width={52}
              label={{ value: 'ms', angle: -90, position: 'insideLeft', fill: '#8a929c', fontSize: 12 }}
            />
            <Tooltip
              labelFormatter={(value) => formatTime(Number(value), Math.min(stepMs, 3_600_000), span)}
              formatter={(value) => `${formatMs(typeof value === 'number' ? value : null)} ms`}
              contentStyle={{ borderRadius: 6, borderColor: '#e3e6ea', fontSize: 12 }}
            />
            <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeWidth={s.key === 'p50' ? 2.25 : 1.75}
                dot={(props: DotProps) =>
                  props.index !== undefined &&
                  isolated.get(s.key)?.has(props.index) &&
                  props.cx !== undefined &&
                  props.cy !== undefined ? (
                    <circle key={props.key} cx={props.cx} cy={props.cy} r={2.75} fill={s.color} />
                  ) : (
                    <g key={props.key} />
                  )
                }
                activeDot={{ r: 3 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      ) : (
        <div className="chart-placeholder">Loading chart…</div>
      )}
    </div>
  )
}
