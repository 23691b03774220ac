// Planner A/B (`npm run bench:planner-ab -- [--before REF] [--passes N] [--runs N]`): the planner of an
// earlier commit (default 1de66df, the planner before issue 9) against the working tree's, in one
// process, on the typical floors of bench:planner (bench/planner/scenarios.ts).
//
// Why in one process: the bar is "no slower than the committed numbers", and this shared
// 2-core machine moves a mean by more than the 10 % being judged from one hour to the next. Both
// planners run the same quotes, interleaved pass by pass (the order alternates), and per quote the
// fastest pass counts, so load hits both alike and the ratio compares code, not the hour. Each
// scenario runs in a process of its own (runScenarios says why).
// It also checks that both return the same plans for every quote: the new search paths must not
// change a typical answer.
//
// Writes bench/results/planner-ab.json and the "Planner A/B" section of bench/README.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as now from '../planner/index'
import type { Quote, QuoteInput } from '../planner/index'
import { quotes } from './planner/floors'
import { distribution, round, type Distribution } from './planner/measure'
import { typicalScenarios } from './planner/scenarios'

type QuoteFn = (input: QuoteInput) => Quote

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback
}
const beforeRef = option('before', '1de66df')
const passes = Math.max(3, Number(option('passes', '7')))
/** child processes per scenario; the median of their ratios is reported */
const runs = Math.max(1, Number(option('runs', '3')))

/** The planner/ folder of `ref`, exported with git archive into a scratch folder. */
function exportPlanner(ref: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(os.tmpdir(), 'maitre-planner-'))
  const tar = execFileSync('git', ['archive', '--format=tar', ref, 'planner'], { cwd: join(here, '..') })
  execFileSync('tar', ['-x', '-C', dir], { input: tar })
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

const answer = (q: Quote): string =>
  q.ok ? q.plans.map((p) => `${p.zoneId}:${p.tableIds.join('+')}:${p.overage}`).join('|') : q.reason

function timeAll(quote: QuoteFn, inputs: QuoteInput[], into: number[], answers: string[] | null): void {
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as QuoteInput
    const t0 = performance.now()
    const q = quote(input)
    const ms = performance.now() - t0
    if (ms < (into[i] as number)) into[i] = ms
    if (answers) answers[i] = answer(q)
  }
}

interface Row {
  name: string
  quotes: number
  before: Distribution
  now: Distribution
  ratioMean: number
  ratioP99: number
  identicalAnswersPct: number
}

/** Time scenario `index` with both planners (in a child process of its own: see runScenarios). */
function measureScenario(beforeQuote: QuoteFn, index: number): Row {
  const s = typicalScenarios()[index] as ReturnType<typeof typicalScenarios>[number]
  const base = quotes(s.floor, {
    occupancy: s.occupancy,
    maxTables: s.maxTables,
    requireAdjacency: s.requireAdjacency,
    count: Math.min(s.count, 2000),
    seed: s.seed,
  })
  // a cold-floor scenario gives every quote of every pass its own arrays: a precomputation each
  const inputsFor = (): QuoteInput[] =>
    s.coldFloor ? base.map((q) => ({ ...q, tables: [...q.tables], adjacency: [...q.adjacency] })) : base
  const fastest = { before: base.map(() => Infinity), now: base.map(() => Infinity) }
  const answers = { before: [] as string[], now: [] as string[] }
  // one untimed pass each warms the JIT and, for the warm scenarios, both floor caches
  const untimed = base.map(() => Infinity)
  timeAll(beforeQuote, inputsFor(), untimed, null)
  timeAll(now.quoteTables, inputsFor(), untimed, null)
  for (let pass = 0; pass < passes; pass++) {
    const order = pass % 2 === 0 ? (['before', 'now'] as const) : (['now', 'before'] as const)
    for (const which of order) {
      const fn = which === 'before' ? beforeQuote : now.quoteTables
      timeAll(fn, inputsFor(), fastest[which], pass === 0 ? answers[which] : null)
    }
  }
  const b = distribution(fastest.before)
  const n = distribution(fastest.now)
  const same = answers.before.filter((a, i) => a === answers.now[i]).length
  return {
    name: s.name,
    quotes: base.length,
    before: b,
    now: n,
    ratioMean: round(n.meanUs / Math.max(b.meanUs, 0.001), 2),
    ratioP99: round(n.p99Us / Math.max(b.p99Us, 0.001), 2),
    identicalAnswersPct: round((100 * same) / base.length, 2),
  }
}

/**
 * Every scenario in a fresh process: in one long process the JIT's state after the scenarios
 * before decides how fast a path runs (one scenario moved by 20 % between runs depending on what
 * ran first), for either planner; a process per scenario gives both the same start.
 */
function runScenarios(dir: string): Row[] {
  const rows: Row[] = []
  const self = fileURLToPath(import.meta.url)
  for (let index = 0; index < typicalScenarios().length; index++) {
    const measured: Row[] = []
    for (let run = 0; run < runs; run++) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, self, '--child', dir, '--scenario', String(index), '--passes', String(passes)],
        { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      )
      const last = child.stdout.trim().split('\n').pop() ?? ''
      if (child.status !== 0 || !last.startsWith('{')) {
        throw new Error(`scenario ${index} failed (exit ${child.status}): ${child.stderr.slice(-2000)}`)
      }
      measured.push(JSON.parse(last) as Row)
    }
    const row = medianRow(measured)
    rows.push(row)
    console.log(
      `${row.name.padEnd(66)} before ${row.before.meanUs} / ${row.before.p99Us} us  now ${row.now.meanUs} / ` +
        `${row.now.p99Us} us  ratio ${row.ratioMean} / ${row.ratioP99}  same ${row.identicalAnswersPct}%`,
    )
  }
  return rows
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? 0 : (s[Math.floor(s.length / 2)] as number)
}

/** A scenario's runs in one row: the median of each figure and of each run's ratios. */
function medianRow(measured: Row[]): Row {
  const first = measured[0] as Row
  const dist = (pick: (r: Row) => Distribution): Distribution => ({
    meanUs: median(measured.map((r) => pick(r).meanUs)),
    p50Us: median(measured.map((r) => pick(r).p50Us)),
    p99Us: median(measured.map((r) => pick(r).p99Us)),
    maxUs: median(measured.map((r) => pick(r).maxUs)),
  })
  return {
    name: first.name,
    quotes: first.quotes,
    before: dist((r) => r.before),
    now: dist((r) => r.now),
    ratioMean: median(measured.map((r) => r.ratioMean)),
    ratioP99: median(measured.map((r) => r.ratioP99)),
    identicalAnswersPct: Math.min(...measured.map((r) => r.identicalAnswersPct)),
  }
}

if (args.includes('--child')) {
  const module = (await import(pathToFileURL(join(option('child', ''), 'planner', 'index.ts')).href)) as {
    quoteTables: QuoteFn
  }
  console.log(JSON.stringify(measureScenario(module.quoteTables, Number(option('scenario', '0')))))
  process.exit(0)
}

const before = exportPlanner(beforeRef)
let rows: Row[]
try {
  rows = runScenarios(before.dir)
} finally {
  before.cleanup()
}

const summary = {
  scenarios: rows.length,
  medianRatioMean: median(rows.map((r) => r.ratioMean)),
  medianRatioP99: median(rows.map((r) => r.ratioP99)),
  worstRatioMean: Math.max(...rows.map((r) => r.ratioMean)),
  worstRatioP99: Math.max(...rows.map((r) => r.ratioP99)),
  withinTenPercent: rows.filter((r) => r.ratioMean <= 1.1 && r.ratioP99 <= 1.1).length,
  identicalAnswers: rows.every((r) => r.identicalAnswersPct === 100),
}
const report = {
  generatedAt: new Date().toISOString(),
  before: beforeRef,
  passes,
  runs,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
  },
  summary,
  rows,
}
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results', 'planner-ab.json'), `${JSON.stringify(report, null, 2)}\n`)

const section = [
  '<!-- planner-ab:start -->',
  '## Planner A/B (`npm run bench:planner-ab`)',
  '',
  `The planner of commit ${beforeRef} (before issue 9) and the working tree's, side by side in one process, on the typical ` +
    `floors of bench:planner (up to 2,000 quotes each): ${passes} interleaved passes, per quote the fastest pass ` +
    `counts; each scenario runs ${runs} times, each time in a fresh process, and the medians are shown (ratios: ` +
    "the median of the runs' now / before). Raw numbers: `bench/results/planner-ab.json`. " +
    `Machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}; generated ` +
    `${report.generatedAt}; load average at the end ${report.machine.loadAverageAtEnd.join(' / ')}.`,
  '',
  `Summary: ${summary.withinTenPercent} of ${summary.scenarios} scenarios within 10 % on both mean and p99; ` +
    `median ratio ${summary.medianRatioMean} (mean) / ${summary.medianRatioP99} (p99), worst ` +
    `${summary.worstRatioMean} / ${summary.worstRatioP99}; identical answers on every quote: ` +
    `${summary.identicalAnswers ? 'yes' : '**no**'}.`,
  '',
  '| scenario | quotes | before mean / p99 us | now mean / p99 us | ratio mean | ratio p99 | identical answers % |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.quotes} | ${r.before.meanUs} / ${r.before.p99Us} | ${r.now.meanUs} / ${r.now.p99Us} | ` +
      `${r.ratioMean} | ${r.ratioP99} | ${r.identicalAnswersPct} |`,
  ),
  '<!-- planner-ab:end -->',
].join('\n')
const readmePath = join(here, 'README.md')
let readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# Benchmarks\n'
const marked = /<!-- planner-ab:start -->[\s\S]*<!-- planner-ab:end -->/
readme = marked.test(readme) ? readme.replace(marked, section) : `${readme.trimEnd()}\n\n${section}\n`
writeFileSync(readmePath, readme)
console.log(
  `\n${summary.withinTenPercent}/${summary.scenarios} within 10 %; median ratio ${summary.medianRatioMean} / ` +
    `${summary.medianRatioP99}; worst ${summary.worstRatioMean} / ${summary.worstRatioP99}`,
)
