// The server process of the chaos scripts: API only, no demo data, the production entry's signal
// handling and process guards. Env as for the server (DATABASE_URL); CHAOS_CAPACITY_SPACING_MS
// shortens the capacity retry spacing so a run settles in a minute. Prints "listening <port>".
import { loadConfig } from '../../server/config.ts'
import { startServer } from '../../server/main.ts'
import { installProcessGuards } from '../../server/process-guards.ts'
import { exitOnSignals } from '../../server/shutdown.ts'

installProcessGuards()
const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? '0', MAITRE_DEMO: '0' })
const spacing = Number(process.env.CHAOS_CAPACITY_SPACING_MS ?? 0)
const running = await startServer(config, {
  apiOnly: true,
  host: '127.0.0.1',
  log: () => {},
  ...(spacing > 0 ? { retryTimings: { capacitySpacingMs: spacing } } : {}),
})
exitOnSignals(running)
process.stdout.write(`listening ${running.port}\n`)
