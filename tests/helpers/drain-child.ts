// A real server process for the SIGTERM drain test: the demo simulator books every 200 ms, the
// job workers run, and SIGTERM goes through the same exitOnSignals as server/index.ts. API only
// (no pages, so no build is needed). Env: DATA_DIR or DATABASE_URL. Prints "listening <port>".
import { loadConfig } from '../../server/config.ts'
import { startServer } from '../../server/main.ts'
import { installProcessGuards } from '../../server/process-guards.ts'
import { exitOnSignals } from '../../server/shutdown.ts'

installProcessGuards()
const config = loadConfig({ ...process.env, PORT: '0', MAITRE_DEMO: '1' })
const running = await startServer(config, {
  apiOnly: true,
  host: '127.0.0.1',
  demoBookings: 10,
  simulatorIntervalMs: 200,
  log: () => {},
})
exitOnSignals(running)
process.stdout.write(`listening ${running.port}\n`)
