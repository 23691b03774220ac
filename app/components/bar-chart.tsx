import { Bar, BarChart as RechartsBarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useHydrated } from '../utils/use-hydrated.ts'
import { PALETTE } from './palette.ts'

/** Counts per category (histograms, flows): one bar each, labelled on the axis. */
export function CategoryBarChart({
  data,
  label,
  height = 220,
}: {
  data: Array<{ name: string; value: number }>
  label: string
  height?: number
}) {
  const hydrated = useHydrated()
  return (
    <div className="chart" style={{ height }} role="img" aria-label={label} data-testid="bar-chart">
      {hydrated ? (
        <ResponsiveContainer width="100%" height="100%">
          <RechartsBarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 4 }}>
            <CartesianGrid stroke="#eceef1" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 12, fill: '#5f6873' }} tickLine={false} interval={0} />
            <YAxis
              tick={{ fontSize: 12, fill: '#5f6873' }}
              tickLine={false}
              axisLine={false}
              width={52}
              allowDecimals={false}
            />
            <Tooltip contentStyle={{ borderRadius: 6, borderColor: '#e3e6ea', fontSize: 12 }} />
            <Bar dataKey="value" fill={PALETTE[0]} isAnimationActive={false} />
          </RechartsBarChart>
        </ResponsiveContainer>
      ) : (
        <div className="chart-placeholder">Loading chart…</div>
      )}
    </div>
  )
}
