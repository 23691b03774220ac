import type { KeyboardEvent } from 'react'
import type { ReviewTable } from '../../server/review/review-types.ts'

export interface FloorViewProps {
  tables: ReviewTable[]
  zones: Array<{ key: string; name: string }>
  adjacency: Array<[string, string]>
  selected: ReadonlySet<string>
  /** absent: a picture only (no JavaScript yet, or a role that may not act) */
  onToggle?: (key: string) => void
}

const COLUMNS = 5
const CELL_W = 128
const CELL_H = 84
const ZONE_TITLE_H = 26
const ZONE_GAP = 14
const PAD = 10

interface Placed {
  table: ReviewTable
  x: number
  y: number
  w: number
  h: number
}

/**
 * Tables have no stored coordinates, so the layout is derived: one band per zone, tables in
 * reading order along their adjacency (a walk from the first table by key, neighbours next), so
 * tables that may be joined sit side by side and their link is a short line.
 */
export function layoutFloor(
  tables: ReviewTable[],
  zones: Array<{ key: string; name: string }>,
  adjacency: Array<[string, string]>,
): {
  placed: Placed[]
  bands: Array<{ key: string; name: string; y: number; h: number }>
  width: number
  height: number
} {
  const neighbours = new Map<string, string[]>()
  for (const [a, b] of adjacency) {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b])
    neighbours.set(b, [...(neighbours.get(b) ?? []), a])
  }
  const placed: Placed[] = []
  const bands: Array<{ key: string; name: string; y: number; h: number }> = []
  let y = PAD
  const zoneOrder = [...zones.map((z) => z.key), ...new Set(tables.map((t) => t.zone))]
  for (const zoneKey of [...new Set(zoneOrder)]) {
    const inZone = tables.filter((t) => t.zone === zoneKey).sort((a, b) => a.key.localeCompare(b.key))
    if (inZone.length === 0) continue
    const byKey = new Map(inZone.map((t) => [t.key, t]))
    const order: ReviewTable[] = []
    const seen = new Set<string>()
    for (const start of inZone) {
      const queue = [start.key]
      while (queue.length > 0) {
        const key = queue.shift()!
        if (seen.has(key) || !byKey.has(key)) continue
        seen.add(key)
        order.push(byKey.get(key)!)
        queue.push(...(neighbours.get(key) ?? []).filter((n) => byKey.has(n)).sort())
      }
    }
    const rows = Math.ceil(order.length / COLUMNS)
    const bandH = ZONE_TITLE_H + rows * CELL_H
    bands.push({ key: zoneKey, name: zones.find((z) => z.key === zoneKey)?.name ?? zoneKey, y, h: bandH })
    order.forEach((table, index) => {
      const w = Math.min(CELL_W - 16, 58 + 8 * Math.min(table.capacity, 8))
      const h = 54
      const cx = PAD + (index % COLUMNS) * CELL_W + CELL_W / 2
      const cy = y + ZONE_TITLE_H + Math.floor(index / COLUMNS) * CELL_H + CELL_H / 2
      placed.push({ table, x: cx - w / 2, y: cy - h / 2, w, h })
    })
    y += bandH + ZONE_GAP
  }
  return { placed, bands, width: PAD * 2 + COLUMNS * CELL_W, height: y - ZONE_GAP + PAD }
}

function stateLine(table: ReviewTable): string {
  if (table.state === 'busy') return table.busyUntilLabel ? `busy until ${table.busyUntilLabel}` : 'busy'
  if (table.state === 'held') return table.busyUntilLabel ? `held until ${table.busyUntilLabel}` : 'held'
  if (table.state === 'inactive') return 'not in use'
  return 'free'
}

export function tableDescription(table: ReviewTable): string {
  return `${table.key}, ${table.capacity} seats, ${stateLine(table)}${table.why ? `. ${table.why}` : ''}`
}

/** An SVG plan of one service: every table, its state for this booking, and the links between them. */
export function FloorView({ tables, zones, adjacency, selected, onToggle }: FloorViewProps) {
  const { placed, bands, width, height } = layoutFloor(tables, zones, adjacency)
  const byKey = new Map(placed.map((p) => [p.table.key, p]))
  const onKey = (key: string) => (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault()
      onToggle?.(key)
    }
  }
  return (
    <svg
      className="floor"
      viewBox={`0 0 ${width} ${height}`}
      role="group"
      aria-label="Floor plan for this booking's time"
      data-testid="floor-view"
    >
      {bands.map((band) => (
        <g key={band.key}>
          <rect className="floor-zone" x={PAD / 2} y={band.y} width={width - PAD} height={band.h} rx={10} />
          <text className="floor-zone-name" x={PAD + 6} y={band.y + 17}>
            {band.name}
          </text>
        </g>
      ))}
      {adjacency.map(([a, b]) => {
        const pa = byKey.get(a)
        const pb = byKey.get(b)
        if (!pa || !pb) return null
        return (
          <line
            key={`${a}-${b}`}
            className="floor-link"
            x1={pa.x + pa.w / 2}
            y1={pa.y + pa.h / 2}
            x2={pb.x + pb.w / 2}
            y2={pb.y + pb.h / 2}
          />
        )
      })}
      {placed.map(({ table, x, y, w, h }) => {
        const isSelected = selected.has(table.key)
        const selectable = table.state === 'free' && onToggle !== undefined
        const classes = [
          'floor-table',
          `floor-table-${table.state}`,
          table.suggested ? 'floor-table-suggested' : '',
          isSelected ? 'floor-table-selected' : '',
          selectable ? 'floor-table-selectable' : '',
        ]
          .filter(Boolean)
          .join(' ')
        return (
          <g
            key={table.key}
            className={classes}
            data-table={table.key}
            data-state={table.state}
            {...(selectable
              ? {
                  role: 'checkbox',
                  tabIndex: 0,
                  'aria-checked': isSelected,
                  'aria-label': tableDescription(table),
                  onClick: () => onToggle?.(table.key),
                  onKeyDown: onKey(table.key),
                }
              : { role: 'img', 'aria-label': tableDescription(table) })}
          >
            <title>{tableDescription(table)}</title>
            <rect x={x} y={y} width={w} height={h} rx={8} />
            <text className="floor-table-key" x={x + w / 2} y={y + 22} textAnchor="middle">
              {table.key} · {table.capacity}
            </text>
            <text className="floor-table-state" x={x + w / 2} y={y + 40} textAnchor="middle">
              {isSelected ? 'selected' : stateLine(table)}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
