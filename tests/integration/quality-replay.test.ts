import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { createEngine, type Engine } from '../../server/engine.ts'
import { runQuality } from '../../server/quality/quality-run.ts'
import { readLatestSimulation } from '../../server/quality/latest-simulation.ts'
import { loadReplayDay } from '../../server/quality/replay.ts'
import { localDate } from '../../server/sim/local-time.ts'
import { createFreshDatabaseUrl } from '../helpers/test-database.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

const run = promisify(execFile)
const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const day = localDate(new Date(Date.now() + 3 * 86_400_000), 'UTC')
const at = (hhmm: string, ymd = day) => `${ymd}T${hhmm}:00Z`

/** A past day, as it happened: five bookings (one of them cancelled later) and one on another day. */
async function bookTheDay(engine: Engine) {
  await engine.restaurants.putFloor('replay-bistro', {
    name: 'Replay bistro',
    timezone: 'UTC',
    zones: [
      { key: 'main', name: 'Main' },
      { key: 'patio', name: 'Patio' },
    ],
    tables: [
      { key: 'T2', zone: 'main', capacity: 2 },
      { key: 'T4', zone: 'main', capacity: 4 },
      { key: 'P4', zone: 'patio', capacity: 4 },
    ],
    adjacency: [],
  })
  const made: string[] = []
  const book = async (startAt: string, partySize: number, zone?: string) => {
    const answer = await engine.bookings.create({
      restaurant: 'replay-bistro',
      startAt,
      partySize,
      ...(zone ? { zone } : {}),
      guest: { name: `Guest ${made.length + 1}`, email: `guest-${made.length + 1}@example.com` },
    })
    made.push(answer.booking.id)
    // creation times must differ: they give the order
    await pause(15)
    return answer.booking.id
  }
  await book(at('20:00'), 2)
  const cancelled = await book(at('19:00'), 4)
  await book(at('19:30'), 3, 'patio')
  await engine.bookings.cancel(cancelled)
  await pause(15)
  await book(at('19:15'), 4)
  await book(at('21:00'), 2)
  await book(at('19:00', localDate(new Date(Date.now() + 4 * 86_400_000), 'UTC')), 2)
}

describe(`simulate --replay: a past day's bookings through the engine (${driver})`, () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    await bookTheDay(engine)
  })
  afterAll(async () => {
    await engine.dispose()
  })

  it("reads the day's bookings in the order they were made, with the floor", async () => {
    const replay = await loadReplayDay(engine.db, 'replay-bistro', day)
    expect(replay).not.toBeNull()
    expect(replay!.floor.tables.map((table) => table.key).sort()).toEqual(['P4', 'T2', 'T4'])
    expect(replay!.evening.requests).toEqual([
      { arrival: 0, partySize: 2, startMinutes: 20 * 60, zone: null, cancelledAfter: null },
      // cancelled after the third booking was made: just before the fourth arrives
      { arrival: 1, partySize: 4, startMinutes: 19 * 60, zone: null, cancelledAfter: 3 },
      { arrival: 2, partySize: 3, startMinutes: 19 * 60 + 30, zone: 'patio', cancelledAfter: null },
      { arrival: 3, partySize: 4, startMinutes: 19 * 60 + 15, zone: null, cancelledAfter: null },
      { arrival: 4, partySize: 2, startMinutes: 21 * 60, zone: null, cancelledAfter: null },
    ])
    expect(await loadReplayDay(engine.db, 'nowhere', day)).toBeNull()
  })

  it('plays the day on a fresh engine and reports it like a generated evening', async () => {
    const replay = (await loadReplayDay(engine.db, 'replay-bistro', day))!
    const fresh = await createTestEngine({}, { workers: false })
    try {
      const [report] = await runQuality(fresh, {
        floor: replay.floor,
        floorName: 'replay-bistro',
        profile: 'peak',
        seeds: [],
        count: replay.evening.requests.length,
        evenings: [replay.evening],
      })
      expect(report).toMatchObject({ seed: 0, profile: 'replay', requests: 5, cancelled: 1 })
      // four kept bookings (2 + 3 + 4 + 2 covers); the 21:00 pair finds both its tables still taken
      expect(report!.engine.bookings + report!.engine.unseated).toBe(4)
      expect(report!.hindsight.covers).toBe(9)
      expect(report!.firstCome.covers).toBeLessThanOrEqual(9)
      expect(report!.engine.covers).toBeLessThanOrEqual(9)
      expect(report!.engine.covers).toBeGreaterThan(0)
    } finally {
      await fresh.dispose()
    }
  })

  it('npm run simulate -- --replay SLUG --date DAY reads the configured database', async () => {
    // a database the CLI can open: a PGlite data dir (or a fresh Postgres database)
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-replay-'))
    const database = await createFreshDatabaseUrl()
    const env = { DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) }
    const source = await createEngine(
      loadConfig({
        NODE_ENV: 'test',
        MAITRE_DEMO: '0',
        SESSION_SECRET: 'test-session-secret-0123456789abcdef',
        MAITRE_API_TOKEN: 'test-token-123',
        ...env,
      }),
      { workers: false },
    )
    try {
      await bookTheDay(source)
    } finally {
      await source.close()
    }
    try {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'server/cli/simulate.ts',
          '--replay',
          'replay-bistro',
          '--date',
          day,
          '--format',
          'csv',
          '--publish',
        ],
        { timeout: 120_000, env: { ...process.env, ...env, DATABASE_URL: database.url ?? '' } },
      )
      const [header, row] = stdout.trim().split('\n')
      expect(header).toMatch(/^seed,/)
      // seed 0, the replay, 5 requests, 1 cancelled, then the engine's covers and bookings
      expect(row).toMatch(/^0,replay,5,1,\d+,\d+,/)
      expect(row!.split(',')[8]).toBe('9')
      // --publish: the summary the overview shows, in DATA_DIR
      expect(await readLatestSimulation(dataDir)).toMatchObject({
        title: `replay-bistro on ${day} replayed (5 bookings)`,
        evenings: 1,
        reseat: false,
      })
      const refused = await run(
        process.execPath,
        ['--import', 'tsx', 'server/cli/simulate.ts', '--replay', 'replay-bistro'],
        { timeout: 60_000, env: { ...process.env, ...env, DATABASE_URL: database.url ?? '' } },
      ).catch((error: { code: number; stderr: string }) => error)
      expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--replay and --date go together') })
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
      await database.drop()
    }
  })
})
