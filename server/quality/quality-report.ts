import type { EveningReport, QualitySummary } from './quality-run.ts'

const pct = (share: number) => `${(share * 100).toFixed(1)}%`

/** The per-evening table as CSV (one row per evening), for spreadsheets and the bench results. */
export function reportCsv(reports: EveningReport[]): string {
  const paced = reports.some((r) => r.pacing)
  const header = [
    'seed',
    'profile',
    'requests',
    'cancelled',
    'engine_covers',
    'engine_bookings',
    'engine_unseated',
    'first_come_covers',
    'hindsight_covers',
    'share_of_first_come',
    'share_of_hindsight',
    'inline_p95_ms',
    'reseated',
    'reseat_inline_p95_ms',
    ...(paced ? ['paced_covers', 'paced_share_of_hindsight', 'paced_gained_covers'] : []),
  ]
  const rows = reports.map((r) =>
    [
      r.seed,
      r.profile,
      r.requests,
      r.cancelled,
      r.engine.covers,
      r.engine.bookings,
      r.engine.unseated,
      r.firstCome.covers,
      r.hindsight.covers,
      r.shareOfFirstCome.toFixed(4),
      r.shareOfHindsight.toFixed(4),
      r.engine.inlineP95Ms.toFixed(2),
      r.engine.reseated,
      r.engine.reseatInlineP95Ms.toFixed(2),
      ...(paced
        ? [r.pacing?.covers ?? '', r.pacing?.shareOfHindsight.toFixed(4) ?? '', r.pacing?.gainedCovers ?? '']
        : []),
    ].join(','),
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** A Markdown report: the summary first, then one row per evening. */
export function reportMarkdown(title: string, summary: QualitySummary, reports: EveningReport[]): string {
  return [
    `# ${title}`,
    '',
    `${summary.evenings} evenings. Seated covers as a share of two exact references (HiGHS, proven optimal):`,
    '',
    '| reference | median evening | worst evening |',
    '|---|---|---|',
    `| first come, first served with perfect re-seating | ${pct(summary.medianShareOfFirstCome)} | ${pct(summary.worstShareOfFirstCome)} |`,
    `| hindsight optimum (knows the whole evening) | ${pct(summary.medianShareOfHindsight)} | ${pct(summary.worstShareOfHindsight)} |`,
    '',
    `Inline auto-assign p95 (median over evenings): ${summary.inlineP95Ms.toFixed(1)} ms for bookings seated without moving anyone` +
      (summary.reseatInlineP95Ms === null
        ? '; no booking was seated by re-seating.'
        : `, ${summary.reseatInlineP95Ms.toFixed(1)} ms for the ${summary.reseatedBookings} seated by moving others.`),
    '',
    '| seed | requests | cancelled | engine covers (bookings) | left unseated | first-come covers | hindsight covers | of first-come | of hindsight |',
    '|---|---|---|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.seed} | ${r.requests} | ${r.cancelled} | ${r.engine.covers} (${r.engine.bookings}) | ${r.engine.unseated} | ${r.firstCome.covers} | ${r.hindsight.covers} | ${pct(r.shareOfFirstCome)} | ${pct(r.shareOfHindsight)} |`,
    ),
    '',
    ...pacingSection(summary, reports),
  ].join('\n')
}

/** With peak pacing: what holding the tables would have gained, against the hindsight optimum. */
function pacingSection(summary: QualitySummary, reports: EveningReport[]): string[] {
  const paced = summary.pacing
  if (!paced) return []
  const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`)
  return [
    '## Peak pacing',
    '',
    `Each evening played again on its own restaurant with the pacing rule (flag \`assignment.peak_pacing\`), same requests, same order.`,
    '',
    '| seated covers as a share of the hindsight optimum | median evening | worst evening |',
    '|---|---|---|',
    `| without pacing | ${pct(summary.medianShareOfHindsight)} | ${pct(summary.worstShareOfHindsight)} |`,
    `| with pacing | ${pct(paced.medianShareOfHindsight)} | ${pct(paced.worstShareOfHindsight)} |`,
    '',
    `Median gain ${paced.medianGainPoints >= 0 ? '+' : ''}${paced.medianGainPoints.toFixed(1)} points of the optimum; ${signed(paced.gainedCovers)} covers over all evenings; better on ${paced.eveningsBetter}, worse on ${paced.eveningsWorse} of ${summary.evenings} evenings.`,
    '',
    '| seed | hindsight covers | covers without | covers with pacing | gained | without, of hindsight | with, of hindsight |',
    '|---|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.seed} | ${r.hindsight.covers} | ${r.engine.covers} | ${r.pacing!.covers} | ${signed(r.pacing!.gainedCovers)} | ${pct(r.shareOfHindsight)} | ${pct(r.pacing!.shareOfHindsight)} |`,
    ),
    '',
  ]
}
