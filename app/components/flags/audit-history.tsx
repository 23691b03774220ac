import { formatValue, type FlagValue } from './flag-badges.tsx'

export interface AuditEntryView {
  at: string
  actor: string
  action: string
  restaurant: string | null
  before: unknown
  after: unknown
  comment: string | null
}

const fieldsOf = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {}

const show = (value: unknown) =>
  typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string' || value === null
    ? formatValue(value as FlagValue | null)
    : JSON.stringify(value)

/** before -> after, field by field: only what changed. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  if (before === null && after === null) return <span className="muted">—</span>
  const b = fieldsOf(before)
  const a = fieldsOf(after)
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (key) => JSON.stringify(b[key]) !== JSON.stringify(a[key]),
  )
  if (before === null)
    return <span className="diff-after">created: {keys.map((k) => `${k} ${show(a[k])}`).join(', ')}</span>
  if (after === null) return <span className="diff-before">removed</span>
  if (keys.length === 0) return <span className="muted">no change</span>
  return (
    <span>
      {keys.map((key) => (
        <span key={key} style={{ marginRight: 8 }}>
          {key}: <span className="diff-before">{show(b[key])}</span> →{' '}
          <span className="diff-after">{show(a[key])}</span>
        </span>
      ))}
    </span>
  )
}

export function AuditHistory({ entries }: { entries: AuditEntryView[] }) {
  if (entries.length === 0) return <p className="muted">No changes yet.</p>
  return (
    <table className="table" data-testid="audit-history">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>What</th>
          <th>Scope</th>
          <th>Change</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry, index) => (
          <tr key={`${entry.at}-${index}`}>
            <td>{new Date(entry.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
            <td>{entry.actor}</td>
            <td>{entry.action.replaceAll('_', ' ')}</td>
            <td>{entry.restaurant ?? 'global'}</td>
            <td>
              <AuditDiff before={entry.before} after={entry.after} />
            </td>
            <td>{entry.comment ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
