// An engine process that watches one flag: prints "ready", then a JSON line each time the value it
// reads changes. Env: DATABASE_URL, WATCH_RESTAURANT_ID, FLAG_POLL_MS (the fallback poll interval).
import { loadConfig } from '../../server/config.ts'
import { createEngine } from '../../server/engine.ts'

const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  MAITRE_DEMO: '0',
  SESSION_SECRET: 'flag-watch-secret-0123456789-abcdefgh',
})
const engine = await createEngine(config, {
  workers: false,
  flagRefreshIntervalMs: Number(process.env.FLAG_POLL_MS ?? 1000),
})
const restaurantId = process.env.WATCH_RESTAURANT_ID!
let last: boolean | undefined
async function watch() {
  const value = await engine.flags.boolean('assignment.reseat', { restaurantId })
  if (value !== last) {
    last = value
    process.stdout.write(`${JSON.stringify({ value, at: Date.now(), listening: engine.flags.isListening() })}\n`)
  }
  setTimeout(() => void watch(), 10)
}
// wait for the LISTEN connection (Postgres) before saying ready, so the test measures propagation
for (let i = 0; i < 200 && config.databaseUrl && !engine.flags.isListening(); i++) {
  await new Promise((resolve) => setTimeout(resolve, 25))
}
process.stdout.write('ready\n')
void watch()
process.on('SIGTERM', () => {
  void engine.close().finally(() => process.exit(0))
})
