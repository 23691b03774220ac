import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useHydrated } from '../../utils/use-hydrated.ts'
import type { ReadingView } from './ramp-panels.tsx'

/**
 * One small chart per guardrail: its value (solid) against its limit (dashed) over the runner's
 * readings. Rendered in the browser only (the container measures itself); the readings table
 * below says the same in text.
 */
export function GuardrailCharts({ readings }: { readings: ReadingView[] }) {
  const hydrated = useHydrated()
  const keys = [...new Set(readings.map((r) => `${r.stage}:${r.guardrail}:${r.metric}`))]
  if (keys.length === 0) return null
  return (
    <div className="grid-2" data-testid="guardrail-charts">
      {keys.map((key) => {
        const [stage, , metric] = key.split(':')
        const points = readings
          .filter((r) => `${r.stage}:${r.guardrail}:${r.metric}` === key)
          .map((r) => ({ t: new Date(r.at).getTime(), value: r.value, limit: r.limit }))
        return (
          <figure key={key} className="chart chart-small" style={{ height: 180, margin: 0 }}>
            <figcaption className="muted">
              {metric} · stage {Number(stage) + 1}
            </figcaption>
            {hydrated ? (
              <ResponsiveContainer width="100%" height="90%">
                <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="#eceef1" vertical={false} />
                  <XAxis
                    dataKey="t"
                    type="number"
                    domain={['dataMin', 'dataMax']}
                    tickFormatter={(t: number) =>
                      new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
                    }
                    fontSize={11}
                  />
                  <YAxis fontSize={11} width={40} />
                  <Tooltip labelFormatter={(t: number) => new Date(t).toLocaleString()} />
                  <Line
                    type="stepAfter"
                    dataKey="value"
                    stroke="#0072b2"
                    dot={false}
                    isAnimationActive={false}
                    connectNulls={false}
                  />
                  <Line
                    type="stepAfter"
                    dataKey="limit"
                    stroke="#d55e00"
                    strokeDasharray="4 3"
                    dot={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            ) : null}
          </figure>
        )
      })}
    </div>
  )
}
