import type { RampView } from '../../../server/flags/ramps/ramp-service.ts'

const time = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—')
const num = (value: number | null) => (value === null ? '—' : String(Math.round(value * 100) / 100))

/** What happens next and when, in a sentence. */
export function nextStepSentence(ramp: RampView): string {
  const stage = ramp.stages[ramp.stage]
  const next = ramp.stages[ramp.stage + 1]
  switch (ramp.state) {
    case 'scheduled':
      return `Starts at ${time(ramp.startAt)} with stage 1 (${ramp.stages[0]?.percent ?? 0}%).`
    case 'paused':
      return 'Paused: nothing happens until someone resumes it (the hold time left is kept).'
    case 'completed':
      return `Completed: the rule stays at ${stage?.percent ?? 100}%.`
    case 'rolled_back':
      return 'Rolled back: the rule is at 0%. Start a new ramp to try again.'
    case 'running':
      return next
        ? `At ${time(ramp.nextStageAt)} it advances to stage ${ramp.stage + 2} (${next.percent}%) if every guardrail is ok; it rolls back by itself if one stays breached.`
        : `At ${time(ramp.nextStageAt)} it completes if every guardrail is ok; it rolls back by itself if one stays breached.`
  }
}

export function StageList({ ramp }: { ramp: RampView }) {
  return (
    <ol className="stage-list" data-testid="stages">
      {ramp.stages.map((stage, index) => (
        <li key={index} className={index === ramp.stage && ramp.state !== 'scheduled' ? 'current' : ''}>
          <strong>{stage.name ?? `Stage ${index + 1}`}</strong> · {stage.percent}% · hold {stage.holdMinutes} min
          {stage.restaurants?.length ? ` · pilots ${stage.restaurants.join(', ')}` : ''}
          {stage.guardrails?.length ? ` · ${stage.guardrails.length} gates` : ''}
        </li>
      ))}
    </ol>
  )
}

export function GuardrailTable({ ramp }: { ramp: RampView }) {
  if (ramp.guardrails.length === 0)
    return <p className="muted">No guardrails: the ramp advances on its hold times alone.</p>
  return (
    <table className="table" data-testid="guardrails">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Limit</th>
          <th>Value</th>
          <th>Sample</th>
          <th>Status</th>
          <th>Breach window</th>
        </tr>
      </thead>
      <tbody>
        {ramp.guardrails.map((g, index) => (
          <tr key={index}>
            <td>
              <code>{g.metric}</code> {g.scope === 'stage' ? <span className="muted">(this stage)</span> : null}
            </td>
            <td>
              {g.comparator === 'lte' ? '≤' : '≥'}{' '}
              {g.threshold !== undefined ? g.threshold : `baseline ${g.comparator === 'lte' ? '+' : '−'} ${g.maxDelta}`}
              {g.limit !== null && g.threshold === undefined ? ` = ${num(g.limit)}` : ''}
            </td>
            <td>{num(g.value)}</td>
            <td>
              {g.sampleSize} / {g.minSample ?? 1}
            </td>
            <td>
              <span
                className={
                  g.status === 'ok' ? 'badge badge-on' : g.status === 'breached' ? 'badge badge-danger' : 'badge'
                }
              >
                {g.status.replace('_', ' ')}
              </span>
            </td>
            <td>{g.breachMinutes ?? 30} min</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function RampTimeline({ ramp }: { ramp: RampView }) {
  return (
    <ol className="timeline" data-testid="timeline">
      {ramp.history.map((entry, index) => (
        <li key={index}>
          <strong>{time(entry.at)}</strong> {entry.from.replace('_', ' ')} → {entry.to.replace('_', ' ')}
          {entry.fromStage !== entry.toStage ? ` (stage ${entry.fromStage + 1} → ${entry.toStage + 1})` : ''} by{' '}
          {entry.actor}: {entry.reason}
        </li>
      ))}
    </ol>
  )
}

export interface ReadingView {
  at: string
  guardrail: number
  metric: string
  stage: number
  value: number | null
  limit: number | null
  sampleSize: number
  status: string
}

/** Each guardrail's value against its limit over time (most recent readings last). */
export function ReadingsTable({ readings }: { readings: ReadingView[] }) {
  if (readings.length === 0)
    return <p className="muted">No readings yet: the runner reads the guardrails every 30 seconds.</p>
  return (
    <table className="table" data-testid="readings">
      <thead>
        <tr>
          <th>At</th>
          <th>Stage</th>
          <th>Metric</th>
          <th>Value</th>
          <th>Limit</th>
          <th>n</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {readings.slice(-60).map((r, index) => (
          <tr key={index}>
            <td>{time(r.at)}</td>
            <td>{r.stage + 1}</td>
            <td>{r.metric}</td>
            <td>{num(r.value)}</td>
            <td>{num(r.limit)}</td>
            <td>{r.sampleSize}</td>
            <td>{r.status.replace('_', ' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
