import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFlagService } from '../../server/flags/flag-service.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { smallFloor } from '../helpers/floors.ts'
import { waitFor } from '../helpers/wait.ts'

interface Watcher {
  child: ChildProcess
  seen: Array<{ value: boolean; at: number; listening: boolean }>
  ready: Promise<void>
}

function startWatcher(databaseUrl: string, restaurantId: string, pollMs: number): Watcher {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/flag-watch-worker.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, WATCH_RESTAURANT_ID: restaurantId, FLAG_POLL_MS: String(pollMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const seen: Watcher['seen'] = []
  let buffer = ''
  let markReady: () => void
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      if (line === 'ready') markReady()
      else if (line.startsWith('{')) seen.push(JSON.parse(line))
    }
  })
  return { child, seen, ready }
}

const stopWatcher = (watcher: Watcher) =>
  new Promise<void>((resolve) => {
    if (watcher.child.exitCode !== null) return resolve()
    watcher.child.once('exit', () => resolve())
    watcher.child.kill('SIGTERM')
  })

describe('a flag change reaches every engine process within 2 s', () => {
  let engine: TestEngine
  let restaurantId: string
  const watchers: Watcher[] = []
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    await engine.restaurants.putFloor('watched', smallFloor())
    restaurantId = (await engine.restaurants.findBySlug('watched'))!.id
  })
  afterAll(async () => {
    await Promise.all(watchers.map(stopWatcher))
    await engine.dispose()
  })

  const change = (enabled: boolean, comment: string) =>
    engine.flags.setRule('assignment.reseat', { restaurantId: null }, { enabled }, { actor: 'user:test', comment })

  it(
    onPostgres()
      ? 'Postgres: two engine processes hear the NOTIFY (their poll is a minute), also after the listener reconnects'
      : 'PGlite: a second flag service on the database picks the change up through the 1 s poll',
    async () => {
      if (engine.config.databaseUrl) {
        const url = engine.config.databaseUrl
        // a 60 s poll: only the notification can deliver the change within 2 s
        watchers.push(startWatcher(url, restaurantId, 60_000), startWatcher(url, restaurantId, 60_000))
        await Promise.all(watchers.map((w) => w.ready))
        await waitFor(
          async () => (watchers.every((w) => w.seen[0]?.value === false) ? true : undefined),
          10_000,
          'first reads',
        )
        expect(watchers.every((w) => w.seen[0]!.listening)).toBe(true)

        const changedAt = Date.now()
        await change(true, 'reseat on everywhere')
        for (const watcher of watchers) {
          const seen = await waitFor(async () => watcher.seen.find((s) => s.value === true), 5_000, 'the change')
          expect(seen.at - changedAt).toBeLessThan(2_000)
        }

        // the listener's connection dies (database restart, proxy timeout): it reconnects by itself
        await engine.database.executeSql(
          `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'maitre-flag-listener' and datname = current_database()`,
        )
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        const offAt = Date.now()
        await change(false, 'reseat off again')
        for (const watcher of watchers) {
          const seen = await waitFor(
            async () => watcher.seen.find((s) => s.value === false && s.at >= offAt),
            5_000,
            'the change after the reconnect',
          )
          expect(seen.at - offAt).toBeLessThan(2_000)
        }
        return
      }
      // PGlite is one process: a second flag service over the same database stands for the other engine
      const other = createFlagService(engine.db, {}, { refreshIntervalMs: 1_000 })
      await other.start()
      try {
        expect(await other.boolean('assignment.reseat', { restaurantId })).toBe(false)
        const changedAt = Date.now()
        await change(true, 'reseat on everywhere')
        await waitFor(
          async () => ((await other.boolean('assignment.reseat', { restaurantId })) ? true : undefined),
          5_000,
        )
        expect(Date.now() - changedAt).toBeLessThan(2_000)
      } finally {
        await other.stop()
      }
    },
  )
})

function onPostgres() {
  return Boolean(process.env.DATABASE_URL)
}
