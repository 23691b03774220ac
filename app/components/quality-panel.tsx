import type { LatestSimulation } from '../../server/quality/latest-simulation.ts'

/** a share (0.959) as "95.9%": the targets are a point apart, so one decimal */
const pct = (share: number) => `${(share * 100).toFixed(1)}%`

const day = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(iso),
  )

/**
 * "Assignment quality (latest simulation)": what `npm run simulate -- --publish` last measured
 * (docs/decisions/022), seated covers against the two exact references.
 */
export function QualityPanel({ latest }: { latest: LatestSimulation | null }) {
  return (
    <section className="panel" aria-labelledby="quality-title" data-testid="overview-quality">
      <div className="panel-header">
        <h2 id="quality-title">Assignment quality (latest simulation)</h2>
      </div>
      {latest ? (
        <dl className="quality-summary">
          <div>
            <dt>Date</dt>
            <dd data-testid="quality-date">{day(latest.at)}</dd>
          </div>
          <div>
            <dt>Evenings</dt>
            <dd data-testid="quality-evenings">
              {latest.evenings} <span className="muted">({latest.title})</span>
            </dd>
          </div>
          <div>
            <dt>Seated, of the first-come limit</dt>
            <dd data-testid="quality-first-come">
              {pct(latest.medianShareOfFirstCome)} median, {pct(latest.worstShareOfFirstCome)} worst
            </dd>
          </div>
          <div>
            <dt>Seated, of hindsight</dt>
            <dd data-testid="quality-hindsight">{pct(latest.medianShareOfHindsight)} median</dd>
          </div>
        </dl>
      ) : (
        <p className="muted" data-testid="quality-none">
          No simulation published yet: run <code>npm run simulate -- --reseat --publish</code>.
        </p>
      )}
    </section>
  )
}
