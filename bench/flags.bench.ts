// What a flag read costs: the pure evaluation over the snapshot vs the same read through the
// OpenFeature client (provider, hooks, promises). Five passes of 50 000 reads each; the median pass
// is reported. Run: npm run bench:flags (a few seconds). Raw numbers: bench/results/flags.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '../server/db/client.ts'
import { applyMigrations } from '../server/db/migrate.ts'
import { createFlagService } from '../server/flags/flag-service.ts'
import { createMetrics } from '../server/observability/metrics.ts'

const READS = 50_000
const PASSES = 5

const handle = await openDatabase({})
await applyMigrations(handle)
const flags = createFlagService(handle.db, {}, { metrics: createMetrics(), refreshIntervalMs: 60_000 })
await flags.start()
await flags.setRule(
  'planner.cache',
  { restaurantId: null },
  { enabled: true, rolloutPercent: 50 },
  {
    actor: 'bench',
    comment: 'a split rule, the costliest path',
  },
)
const restaurants = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)

async function pass(kind: 'pure' | 'openfeature'): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < READS; i++) {
    const context = { restaurantId: restaurants[i % restaurants.length]!, bookingId: `b-${i}` }
    if (kind === 'pure') flags.evaluateLocal('planner.cache', context)
    else await flags.boolean('planner.cache', context)
  }
  return ((performance.now() - started) * 1000) / READS
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const results: Record<string, { medianUs: number; passesUs: number[] }> = {}
for (const kind of ['pure', 'openfeature'] as const) {
  await pass(kind) // warm-up
  const passes: number[] = []
  for (let i = 0; i < PASSES; i++) passes.push(await pass(kind))
  results[kind] = {
    medianUs: Math.round(median(passes) * 100) / 100,
    passesUs: passes.map((p) => Math.round(p * 100) / 100),
  }
}
await flags.stop()
await handle.close()

const out = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  readsPerPass: READS,
  results,
}
fs.mkdirSync(path.resolve('bench/results'), { recursive: true })
fs.writeFileSync(path.resolve('bench/results/flags.json'), `${JSON.stringify(out, null, 2)}\n`)
console.log(JSON.stringify(out, null, 2))
