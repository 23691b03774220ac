import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { loadConfig, loadDatabaseConfig, pgliteDirectory } from '../config.ts'
import { openDatabase } from '../db/client.ts'
import { createEngine } from '../engine.ts'
import { EVENING_PROFILES } from '../quality/evening.ts'
import { NAMED_FLOORS } from '../quality/evening-floor.ts'
import { reportCsv, reportMarkdown } from '../quality/quality-report.ts'
import { runQuality, summarise } from '../quality/quality-run.ts'
import { writeLatestSimulation } from '../quality/latest-simulation.ts'
import { loadReplayDay } from '../quality/replay.ts'
import { simulatedClock } from '../quality/run-evening.ts'
import { pacingRuleSchema } from '../assignment/pacing.ts'

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
  --replay SLUG     replay a past day of this restaurant instead: its floor and that day's bookings
                    (party sizes, times, zones asked for, cancellations, in the order they were made),
                    read from the configured database (DATABASE_URL, else PGlite in DATA_DIR; stop
                    the server first with PGlite), played on a fresh in-memory one
  --date YYYY-MM-DD the day to replay, in the restaurant's time zone (with --replay)
  --pacing          also play every evening with peak pacing (flag assignment.peak_pacing) and report
                    what it gains against the hindsight optimum; requests then arrive evenly over
                    the 7 days before 16:00 on the evening's day, so the cut-off falls among them
  --pacing-min-party N   parties of at least N may have the held tables (default 6)
  --pacing-tables N      how many tables are held, largest and most mergeable first (default 3)
  --pacing-from HH:MM    start of the peak, local (default 19:00)
  --pacing-until HH:MM   end of the peak, local (default 20:30)
  --pacing-release-hours H  the hold ends H hours before the peak's start (default 24)
  --out DIR         also write DIR/quality-report.md and DIR/quality-report.csv
  --publish         write the summary to DATA_DIR/quality/latest-simulation.json, where the
                    overview page shows it ("Assignment quality (latest simulation)")
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
  replay: z.string().min(1).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'give the day as YYYY-MM-DD')
    .optional(),
  pacing: z.boolean().default(false),
  'pacing-min-party': z.coerce.number().int().default(6),
  'pacing-tables': z.coerce.number().int().default(3),
  'pacing-from': z.string().default('19:00'),
  'pacing-until': z.string().default('20:30'),
  'pacing-release-hours': z.coerce.number().int().default(24),
  out: z.string().optional(),
  publish: z.boolean().default(false),
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
      replay: { type: 'string' },
      date: { type: 'string' },
      pacing: { type: 'boolean' },
      'pacing-min-party': { type: 'string' },
      'pacing-tables': { type: 'string' },
      'pacing-from': { type: 'string' },
      'pacing-until': { type: 'string' },
      'pacing-release-hours': { type: 'string' },
      out: { type: 'string' },
      publish: { type: 'boolean' },
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
  if ((options.replay === undefined) !== (options.date === undefined)) {
    console.error(`--replay and --date go together\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const pacing = pacingRuleSchema.safeParse({
    minPartySize: options['pacing-min-party'],
    tableCount: options['pacing-tables'],
    from: options['pacing-from'],
    until: options['pacing-until'],
    releaseHoursBefore: options['pacing-release-hours'],
  })
  if (options.pacing && !pacing.success) {
    const problems = pacing.error.issues.map((issue) => `pacing ${issue.path.join('.')}: ${issue.message}`).join('\n')
    console.error(`${problems}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  // with pacing the requests arrive over the days before the evening: the engine reads this clock
  const clock = options.pacing ? simulatedClock() : undefined
  const replay = options.replay ? await readReplayDay(options.replay, options.date!) : null
  if (options.replay && !replay) {
    console.error(`simulate: no restaurant "${options.replay}" in the configured database`)
    process.exitCode = 1
    return
  }
  const engine = await createEngine(
    loadConfig({
      NODE_ENV: 'development',
      MAITRE_DEMO: '0',
      MAITRE_API_TOKEN: 'simulator-token',
      SESSION_SECRET: 'simulator-session-secret-not-used-by-anything',
    }),
    // no background workers: each evening's result depends on the evening alone (see run-evening.ts)
    { inMemory: true, workers: false, ...(clock ? { now: clock.now } : {}) },
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
      floor: replay ? replay.floor : NAMED_FLOORS[options.floor]!(),
      floorName: replay ? options.replay! : options.floor,
      ...(replay ? { evenings: [replay.evening] } : {}),
      profile: options.profile,
      seeds: Array.from({ length: options.evenings }, (_, index) => options.seed + index),
      count: options.count,
      cancelShare: options['cancel-share'],
      ...(options.pacing && pacing.success ? { pacing: pacing.data } : {}),
      ...(clock ? { clock } : {}),
      onProgress: ({ evening, evenings, request, requests }) => {
        const done = evening * requests + request
        const line = progressBar(done, evenings * requests, `evening ${Math.min(evening + 1, evenings)}/${evenings}`)
        if (interactive) process.stderr.write(line)
        else if (request === 0) process.stderr.write(`${line.trimStart()}\n`)
      },
    })
    if (interactive) process.stderr.write('\n')
    const summary = summarise(reports)
    const what = replay
      ? `${options.replay} on ${options.date} replayed (${replay.evening.requests.length} bookings)`
      : `${options.floor} floor, ${options.profile} evenings`
    const pacingNote =
      options.pacing && pacing.success
        ? `, with and without peak pacing (${pacing.data.tableCount} tables held for parties >= ${pacing.data.minPartySize}, ${pacing.data.from}-${pacing.data.until}, released ${pacing.data.releaseHoursBefore} h before)`
        : ''
    const title = `Assignment quality: ${what}${options.reseat ? ', re-seating on' : ''}${pacingNote}`
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
    if (options.publish) {
      const file = writeLatestSimulation(loadDatabaseConfig().dataDir, {
        at: new Date(),
        title: `${what}${options.reseat ? ', re-seating on' : ''}`,
        reseat: options.reseat,
        summary,
      })
      process.stderr.write(`published ${file}\n`)
    }
    process.stdout.write(options.format === 'csv' ? csv : markdown)
  } finally {
    await engine.close()
  }
}

/** The day to replay, read from the configured database and closed again before the run. */
async function readReplayDay(slug: string, date: string) {
  const config = loadDatabaseConfig()
  const handle = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : pgliteDirectory(config.dataDir),
    poolSize: 1,
  })
  try {
    return await loadReplayDay(handle.db, slug, date)
  } finally {
    await handle.close()
  }
}

main().catch((error: unknown) => {
  console.error(`simulate: ${(error as Error).message}`)
  process.exitCode = 1
})
