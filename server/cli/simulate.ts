import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { loadConfig } from '../config.ts'
import { createEngine } from '../engine.ts'
import { EVENING_PROFILES } from '../quality/evening.ts'
import { NAMED_FLOORS } from '../quality/evening-floor.ts'
import { reportCsv, reportMarkdown } from '../quality/quality-report.ts'
import { runQuality, summarise } from '../quality/quality-run.ts'

const USAGE = `npm run simulate -- [options]

Generates evenings, plays them through the engine (the API's intake path, on an in-memory
database) and compares seated covers with two exact references solved by HiGHS.

  --floor NAME      ${Object.keys(NAMED_FLOORS).join(' | ')} (default evening: 20 tables, 2 zones)
  --profile NAME    ${EVENING_PROFILES.join(' | ')} (default peak: 70% of starts 19:00-20:30)
  --seed N          first seed (default 1); evening i uses seed N+i
  --evenings N      how many evenings (default 5)
  --count N         requests per evening (default 80)
  --cancel-share X  share of requests cancelled later (default 0.05)
  --reseat          turn online re-seating on (flag assignment.reseat) for the run
  --out DIR         also write DIR/quality-report.md and DIR/quality-report.csv
  --format F        markdown | csv on standard output (default markdown)
  --help`

const optionsSchema = z.object({
  floor: z.enum(Object.keys(NAMED_FLOORS) as [string, ...string[]]).default('evening'),
  profile: z.enum(EVENING_PROFILES as unknown as ['peak', 'flat']).default('peak'),
  seed: z.coerce.number().int().min(0).default(1),
  evenings: z.coerce.number().int().min(1).max(1000).default(5),
  count: z.coerce.number().int().min(1).max(2000).default(80),
  'cancel-share': z.coerce.number().min(0).max(0.9).default(0.05),
  reseat: z.boolean().default(false),
  out: z.string().optional(),
  format: z.enum(['markdown', 'csv']).default('markdown'),
})

function progressBar(done: number, total: number, label: string): string {
  const width = 30
  const filled = total === 0 ? width : Math.round((done / total) * width)
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label}`
}

async function main() {
  const { values } = parseArgs({
    options: {
      floor: { type: 'string' },
      profile: { type: 'string' },
      seed: { type: 'string' },
      evenings: { type: 'string' },
      count: { type: 'string' },
      'cancel-share': { type: 'string' },
      reseat: { type: 'boolean' },
      out: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const parsed = optionsSchema.safeParse(values)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n')
    console.error(`${problems}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const options = parsed.data
  const engine = await createEngine(
    loadConfig({
      NODE_ENV: 'development',
      MAITRE_DEMO: '0',
      MAITRE_API_TOKEN: 'simulator-token',
      SESSION_SECRET: 'simulator-session-secret-not-used-by-anything',
    }),
    // no background workers: each evening's result depends on the evening alone (see run-evening.ts)
    { inMemory: true, workers: false },
  )
  if (options.reseat)
    await engine.flags.setRule(
      'assignment.reseat',
      { restaurantId: null },
      { enabled: true },
      { actor: 'simulator', comment: 'simulate --reseat' },
    )
  const interactive = process.stderr.isTTY
  try {
    const reports = await runQuality(engine, {
      floor: NAMED_FLOORS[options.floor]!(),
      floorName: options.floor,
      profile: options.profile,
      seeds: Array.from({ length: options.evenings }, (_, index) => options.seed + index),
      count: options.count,
      cancelShare: options['cancel-share'],
      onProgress: ({ evening, evenings, request, requests }) => {
        const done = evening * requests + request
        const line = progressBar(done, evenings * requests, `evening ${Math.min(evening + 1, evenings)}/${evenings}`)
        if (interactive) process.stderr.write(line)
        else if (request === 0) process.stderr.write(`${line.trimStart()}\n`)
      },
    })
    if (interactive) process.stderr.write('\n')
    const summary = summarise(reports)
    const title = `Assignment quality: ${options.floor} floor, ${options.profile} evenings${options.reseat ? ', re-seating on' : ''}`
    const markdown = reportMarkdown(title, summary, reports)
    const csv = reportCsv(reports)
    if (options.out) {
      fs.mkdirSync(options.out, { recursive: true })
      fs.writeFileSync(path.join(options.out, 'quality-report.md'), markdown)
      fs.writeFileSync(path.join(options.out, 'quality-report.csv'), csv)
      fs.writeFileSync(
        path.join(options.out, 'quality-report.json'),
        JSON.stringify({ summary, reports }, null, 2) + '\n',
      )
      process.stderr.write(`wrote ${path.join(options.out, 'quality-report.{md,csv,json}')}\n`)
    }
    process.stdout.write(options.format === 'csv' ? csv : markdown)
  } finally {
    await engine.close()
  }
}

main().catch((error: unknown) => {
  console.error(`simulate: ${(error as Error).message}`)
  process.exitCode = 1
})
