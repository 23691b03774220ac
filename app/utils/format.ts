/** Milliseconds for tiles and tooltips: more decimals for small values, '—' for no data. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  if (value < 1) return value.toFixed(2)
  if (value < 100) return value.toFixed(1)
  return Math.round(value).toLocaleString('en-US')
}

export function formatPct(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}%`
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

/** Axis tick for milliseconds: short, no trailing zeros. */
export function formatMsTick(value: number): string {
  if (!Number.isFinite(value)) return ''
  if (value >= 10) return Math.round(value).toLocaleString('en-US')
  return String(Number(value.toFixed(2)))
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** A tick every 10 min / 1 h / 3 h / 1 day depending on the span; local time, like the labels. */
export function timeTicks(from: number, to: number): { ticks: number[]; stepMs: number } {
  const span = to - from
  const stepMs =
    span <= 2 * HOUR_MS ? 10 * 60_000 : span <= 12 * HOUR_MS ? HOUR_MS : span <= 2 * DAY_MS ? 3 * HOUR_MS : DAY_MS
  const anchor = new Date(from)
  anchor.setHours(0, 0, 0, 0)
  const ticks: number[] = []
  let t = anchor.getTime() + Math.ceil((from - anchor.getTime()) / stepMs) * stepMs
  for (; t <= to; t += stepMs) ticks.push(t)
  return { ticks, stepMs }
}

/** Label for a time tick or a tooltip: time of day, the date when steps are days, both in between. */
export function formatTime(epochMs: number, stepMs: number, spanMs: number): string {
  const date = new Date(epochMs)
  if (stepMs >= DAY_MS) return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
  if (spanMs > DAY_MS) {
    return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  }
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}
