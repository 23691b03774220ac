import type { EveningReport, QualitySummary } from './quality-run.ts'

const pct = (share: number) => `${(share * 100).toFixed(1)}%`

/** The per-evening table as CSV (one row per evening), for spreadsheets and the bench results. */
export function reportCsv(reports: EveningReport[]): string {
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
  ].join('\n')
}
