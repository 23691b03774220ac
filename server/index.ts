import { ConfigError, loadConfig } from './config.ts'
import { startServer } from './main.ts'
import { installProcessGuards } from './process-guards.ts'
import { exitOnSignals } from './shutdown.ts'

async function main() {
  installProcessGuards()
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
  const dev = process.argv.includes('--dev')
  const running = await startServer(config, { dev })
  console.log(
    `Maitre is listening on ${running.url} (${config.databaseUrl ? 'Postgres' : `PGlite in ${config.dataDir}`})`,
  )
  if (config.apiTokenIsDemo) console.log(`API token (demo): ${config.apiToken}`)

  exitOnSignals(running)
}

main().catch((error) => {
  console.error('Maitre failed to start:', error)
  process.exit(1)
})
