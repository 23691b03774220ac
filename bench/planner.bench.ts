// Planner benchmark (`npm run bench:planner`): the planner against an exhaustive enumeration of
// the same quotes, in one process. Writes bench/results/planner.json and the "Planner" section of
// bench/README.md.
//
// Target (issue 3): 150-table floor in 6 zones, about half occupied, maxTables 4: mean <= 50 us
// and p99 <= 300 us per quote, >= 20x faster than exhaustive enumeration of the same quotes,
// identical best plans in 100% of them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { STRATEGIES, type QuoteInput } from '../planner/index'
import { runAdversarial } from './planner/adversarial-run'
import { quotes, type Floor } from './planner/floors'
import { typicalScenarios, type Scenario } from './planner/scenarios'
import {
  distribution,
  measureExhaustive,
  measurePlanner,
  round,
  sameBest,
  sameTopK,
  type Distribution,
} from './planner/measure'

const here = dirname(fileURLToPath(import.meta.url))
const started = performance.now()

interface ScenarioResult {
  name: string
  floor: string
  tables: number
  zones: number
  occupancy: number
  maxTables: number
  requireAdjacency: boolean
  quotes: number
  okPct: number
  planner: Distribution
  /** per quote, the fastest of the timed passes */
  plannerSteady: Distribution
  avgCandidatesEvaluated: number
  avgNodesVisited: number
  avgPrunedByCapacityBound: number
  avgPrunedByOverageBound: number
  exhaustive: Distribution & { quotes: number }
  plannerMeanOnSameQuotesUs: number
  speedup: number
  identicalBestPct: number
  identicalTopKPct: number
}

function zonesOf(floor: Floor): number {
  return new Set(floor.tables.map((t) => t.zoneId)).size
}

function run(s: Scenario): ScenarioResult {
  let inputs: QuoteInput[] = quotes(s.floor, {
    occupancy: s.occupancy,
    maxTables: s.maxTables,
    requireAdjacency: s.requireAdjacency,
    count: s.count,
    seed: s.seed,
  })
  if (s.coldFloor) inputs = inputs.map((q) => ({ ...q, tables: [...q.tables], adjacency: [...q.adjacency] }))
  const planner = measurePlanner(inputs)
  const ex = measureExhaustive(inputs, s.exhaustiveBudgetMs, 20)
  const n = ex.plans.length
  let best = 0
  let topk = 0
  for (let i = 0; i < n; i++) {
    const quote = planner.quotes[i]!
    const plans = ex.plans[i]!
    if (sameBest(quote, plans)) best++
    if (sameTopK(quote, plans)) topk++
  }
  const avg = (key: string): number =>
    round(planner.quotes.reduce((sum, q) => sum + Number(q.stats[key] ?? 0), 0) / planner.quotes.length)
  const plannerSame = distribution(planner.ms.slice(0, n))
  const exDist = distribution(ex.ms)
  return {
    name: s.name,
    floor: s.floor.name,
    tables: s.floor.tables.length,
    zones: zonesOf(s.floor),
    occupancy: s.occupancy,
    maxTables: s.maxTables,
    requireAdjacency: s.requireAdjacency,
    quotes: inputs.length,
    okPct: round((100 * planner.quotes.filter((q) => q.ok).length) / planner.quotes.length),
    planner: distribution(planner.ms),
    plannerSteady: distribution(planner.steadyMs),
    avgCandidatesEvaluated: avg('candidatesEvaluated'),
    avgNodesVisited: avg('nodesVisited'),
    avgPrunedByCapacityBound: avg('prunedByCapacityBound'),
    avgPrunedByOverageBound: avg('prunedByOverageBound'),
    exhaustive: { ...exDist, quotes: n },
    plannerMeanOnSameQuotesUs: plannerSame.meanUs,
    speedup: round(exDist.meanUs / Math.max(plannerSame.meanUs, 0.001)),
    identicalBestPct: round((100 * best) / n, 2),
    identicalTopKPct: round((100 * topk) / n, 2),
  }
}

const scenarios = typicalScenarios()
const hall = scenarios[0]!.floor

const results: ScenarioResult[] = []
for (const s of scenarios) {
  const r = run(s)
  results.push(r)
  console.log(
    `${r.name.padEnd(66)} mean ${String(r.planner.meanUs).padStart(6)} us  p99 ${String(r.planner.p99Us).padStart(7)} us  ` +
      `exhaustive ${String(r.exhaustive.meanUs).padStart(8)} us (${r.exhaustive.quotes})  x${r.speedup}  best ${r.identicalBestPct}%  top-k ${r.identicalTopKPct}%`,
  )
}

// strategies on the target floor (no exhaustive counterpart: the property tests check them)
const strategyInputs = quotes(hall, { occupancy: 0.5, maxTables: 4, requireAdjacency: true, count: 2000, seed: 9 })
const strategies = STRATEGIES.map((strategy) => {
  const inputs = strategyInputs.map((q) => ({ ...q, strategy, preferredZoneIds: ['patio', 'north'] }))
  const measured = measurePlanner(inputs)
  const d = distribution(measured.ms)
  const steady = distribution(measured.steadyMs)
  console.log(`strategy ${strategy.padEnd(16)} mean ${d.meanUs} us  p99 ${d.p99Us} us  steady mean ${steady.meanUs} us`)
  return { strategy, ...d, steadyMeanUs: steady.meanUs, steadyP99Us: steady.p99Us }
})

// adversarial floor families (issue 9): exact answers in <= 2 ms per quote, p99 over instances
const adversarial = runAdversarial()
for (const a of adversarial) {
  console.log(
    `${a.name.padEnd(48)} warm p50 ${String(a.warm.p50Us).padStart(7)} us  p99 ${String(a.warm.p99Us).padStart(7)} us  ` +
      `cold p99 ${String(a.cold.p99Us).padStart(8)} us  cold steady p99 ${String(a.coldSteady.p99Us).padStart(7)} us  ` +
      `nodes ${a.avgNodesVisited}  ${a.warmP99AtMost2ms ? 'ok' : 'OVER 2 ms'}`,
  )
}

const target = results.find((_, i) => scenarios[i]?.target)!
const verdict = {
  scenario: target.name,
  meanUs: target.planner.meanUs,
  p99Us: target.planner.p99Us,
  speedup: target.speedup,
  identicalBestPct: target.identicalBestPct,
  identicalTopKPct: target.identicalTopKPct,
  quotes: target.quotes,
  exhaustiveQuotes: target.exhaustive.quotes,
  steadyMeanUs: target.plannerSteady.meanUs,
  steadyP99Us: target.plannerSteady.p99Us,
  checks: {
    meanAtMost50us: target.planner.meanUs <= 50,
    p99AtMost300us: target.planner.p99Us <= 300,
    atLeast20xFaster: target.speedup >= 20,
    identicalBest100pct: target.identicalBestPct === 100,
  },
  pass: false,
}
verdict.pass = Object.values(verdict.checks).every(Boolean)

const cpus = os.cpus()
const report = {
  generatedAt: new Date().toISOString(),
  machine: {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
  },
  method:
    'Per-quote wall time with performance.now around quoteTables, after a warm-up pass; three timed passes, the one ' +
    'with the median mean is reported (mean/p50/p99; the verdict uses these). "Steady" takes, per quote, the fastest ' +
    'of the three passes: what a quote costs when other processes do not preempt it. Each floor keeps the same tables/adjacency arrays across quotes (as the engine ' +
    'passes them), so the per-floor precomputation is reused, except in the cold-cache scenario. The exhaustive ' +
    "baseline (bench/planner/exhaustive.ts) enumerates every subset of 1..maxTables of each zone's available tables, " +
    'keeps the valid ones, sorts them all; it runs on a prefix of the quotes within a time budget (count reported), ' +
    "and speedup compares it with the planner's mean on that same prefix.",
  target: verdict,
  scenarios: results,
  strategies,
  adversarial,
  benchSeconds: 0,
}
report.benchSeconds = round((performance.now() - started) / 1000)

mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results', 'planner.json'), `${JSON.stringify(report, null, 2)}\n`)

const cell = (x: number | string) => String(x)
const rows = results.map((r) =>
  [
    r.name,
    r.okPct,
    r.planner.meanUs,
    r.planner.p50Us,
    r.planner.p99Us,
    r.plannerSteady.meanUs,
    r.plannerSteady.p99Us,
    r.exhaustive.meanUs,
    r.exhaustive.quotes,
    `${r.speedup}x`,
    r.identicalBestPct,
    r.identicalTopKPct,
  ]
    .map(cell)
    .join(' | '),
)
const section = [
  '<!-- planner:start -->',
  '## Planner',
  '',
  'Run: `npm run bench:planner` (under a minute on 2 cores). Raw numbers: `bench/results/planner.json`.',
  '',
  `Machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}; generated ${report.generatedAt}; ` +
    `load average at the end ${report.machine.loadAverageAtEnd.join(' / ')} (the machine may be shared: numbers are noisy).`,
  '',
  `**Target** (${verdict.scenario}): mean ${verdict.meanUs} us (<= 50), p99 ${verdict.p99Us} us (<= 300), ` +
    `${verdict.speedup}x faster than exhaustive (>= 20), identical best plans ${verdict.identicalBestPct}% ` +
    `(top-k ${verdict.identicalTopKPct}%) over ${verdict.exhaustiveQuotes} quotes: **${verdict.pass ? 'PASS' : 'FAIL'}** ` +
    `(steady: mean ${verdict.steadyMeanUs} us, p99 ${verdict.steadyP99Us} us).`,
  '',
  report.method,
  '',
  '| scenario | ok % | mean us | p50 us | p99 us | steady mean us | steady p99 us | exhaustive mean us | exhaustive quotes | speedup | identical best % | identical top-k % |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r} |`),
  '',
  '| strategy (target floor, 2000 quotes) | mean us | p50 us | p99 us | steady mean us | steady p99 us |',
  '|---|---|---|---|---|---|',
  ...strategies.map(
    (s) => `| ${s.strategy} | ${s.meanUs} | ${s.p50Us} | ${s.p99Us} | ${s.steadyMeanUs} | ${s.steadyP99Us} |`,
  ),
  '',
  '### Adversarial floors (issue 9, ADR 012)',
  '',
  'Random instances of each family (`bench/planner/adversarial.ts`: ids in random string order, 0-30% of tables ' +
    'busy, party drawn from the range). "Warm" is a quote on a floor already precomputed (the median of five, ' +
    'per instance), as every booking after the first on a floor version pays; "steady" the fastest of the five; "cold" is the first quote on a new ' +
    'floor, precomputation included; "cold steady" the fastest of three such first quotes (fresh copies of the ' +
    'floor arrays, so each builds the precomputation again): what the first quote costs when the machine does not ' +
    'preempt it. Target: warm p99 <= 2 ms per quote; the first quote on a floor is held to the same 2 ms ' +
    '(cold steady p99). "Before" is the planner before issue 9 on the same ' +
    'generators (commit 1de66df, one quote per instance, same machine, which was heavily loaded then), and what the ' +
    'issue reported.',
  '',
  '| family | instances | warm p50 us | warm p99 us | warm max us | steady p99 us | cold p50 us | cold p99 us | cold steady p50 / p99 us | nodes | warm <= 2 ms | first quote <= 2 ms | before (measured) | before (issue) | outcomes |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...adversarial.map(
    (a) =>
      `| ${a.name} | ${a.instances} | ${a.warm.p50Us} | ${a.warm.p99Us} | ${a.warm.maxUs} | ${a.steady.p99Us} | ${a.cold.p50Us} | ${a.cold.p99Us} | ` +
      `${a.coldSteady.p50Us} / ${a.coldSteady.p99Us} | ${a.avgNodesVisited} | ${a.warmP99AtMost2ms ? 'yes' : '**no**'} | ` +
      `${a.coldSteadyP99AtMost2ms ? 'yes' : '**no**'} | ${a.beforeMeasured} | ${a.before} | ` +
      `${Object.entries(a.outcomes)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')} |`,
  ),
  '<!-- planner:end -->',
].join('\n')

const readmePath = join(here, 'README.md')
let readme = existsSync(readmePath)
  ? readFileSync(readmePath, 'utf8')
  : '# Benchmarks\n\nCommitted results of the benchmarks in this folder.\n'
const marked = /<!-- planner:start -->[\s\S]*<!-- planner:end -->/
readme = marked.test(readme) ? readme.replace(marked, section) : `${readme.trimEnd()}\n\n${section}\n`
writeFileSync(readmePath, readme)

console.log(
  `\nTARGET ${verdict.pass ? 'PASS' : 'FAIL'}: mean ${verdict.meanUs} us, p99 ${verdict.p99Us} us, x${verdict.speedup}, ` +
    `identical best ${verdict.identicalBestPct}% (${verdict.exhaustiveQuotes} quotes); bench took ${report.benchSeconds} s`,
)
