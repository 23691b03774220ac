/**
 * A small trend line in plain SVG (renders on the server too, no chart library): the shape of the
 * last points, scaled to their own range. Its text alternative is the aria-label with first, last
 * and highest values.
 */
export function Sparkline({
  values,
  label,
  width = 120,
  height = 28,
}: {
  values: Array<number | null>
  label: string
  width?: number
  height?: number
}) {
  const present = values.filter((v): v is number => v !== null)
  if (present.length === 0) return null
  const max = Math.max(...present)
  const min = Math.min(...present, 0)
  const span = max - min || 1
  const x = (i: number) => (values.length <= 1 ? width / 2 : (i / (values.length - 1)) * width)
  const y = (v: number) => height - 2 - ((v - min) / span) * (height - 4)
  let path = ''
  values.forEach((v, i) => {
    if (v === null) return
    const previous = i > 0 ? values[i - 1] : null
    path += `${previous === null || previous === undefined ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`
  })
  const summary = `${label}: from ${round(present[0]!)} to ${round(present[present.length - 1]!)}, highest ${round(max)}`
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={summary}
    >
      <path d={path} fill="none" stroke="#0072B2" strokeWidth={1.5} />
    </svg>
  )
}

const round = (v: number) => (Math.abs(v) >= 10 ? Math.round(v) : Number(v.toFixed(2)))
