export interface Column<T> {
  key: string
  label: string
  render: (row: T) => React.ReactNode
  /** right-aligned, tabular digits */
  numeric?: boolean
}

/** A plain table: the text alternative of a chart, and the listing of every page. */
export function DataTable<T>({
  columns,
  rows,
  caption,
  rowKey,
  testId,
  empty = 'Nothing to show.',
}: {
  columns: Column<T>[]
  rows: T[]
  caption?: string
  rowKey: (row: T, index: number) => string
  testId?: string
  empty?: string
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'numeric' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'numeric' : undefined}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
