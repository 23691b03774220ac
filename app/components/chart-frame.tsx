import { CsvDownload } from './csv-download.tsx'

/**
 * A panel around one chart: title, what it shows, the chart, its text alternative (a table behind
 * a disclosure, so keyboard and screen-reader users get every number), a CSV link, and an empty
 * state instead of a blank plot.
 */
export function ChartFrame({
  title,
  meta,
  children,
  table,
  csvHref,
  empty,
  note,
  testId,
}: {
  title: string
  meta?: React.ReactNode
  children: React.ReactNode
  /** the same data as a table */
  table: React.ReactNode
  csvHref?: string
  /** when set, shown instead of the chart */
  empty?: string | null
  /** e.g. how outliers are handled */
  note?: React.ReactNode
  testId?: string
}) {
  return (
    <section className="panel chart-frame" data-testid={testId} aria-label={title}>
      <div className="panel-header">
        <h2>{title}</h2>
        <div className="panel-header-actions">
          {meta ? <span className="muted">{meta}</span> : null}
          {csvHref ? <CsvDownload href={csvHref} /> : null}
        </div>
      </div>
      {empty ? (
        <p className="muted chart-empty" data-testid="chart-empty">
          {empty}
        </p>
      ) : (
        <>
          {children}
          {note ? <p className="chart-note muted">{note}</p> : null}
          <details className="chart-table">
            <summary>Show as table</summary>
            {table}
          </details>
        </>
      )}
    </section>
  )
}
