import { ConfigError, loadConfig } from './config.ts'
import { startServer } from './main.ts'
import { installProcessGuards } from './process-guards.ts'
import { startupBanner } from './startup/banner.ts'
import { portUnavailableMessage } from './startup/port-check.ts'
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
  // before migrations and seeding: a taken port is one line, not a stack trace after the work
  const portProblem = await portUnavailableMessage(config.port, config.host)
  if (portProblem) {
    console.error(portProblem)
    process.exit(1)
  }
  const running = await startServer(config, { dev })
  console.log(startupBanner(config, running))

  exitOnSignals(running)
}

main().catch((error) => {
  console.error('Maitre failed to start:', error)
  process.exit(1)
})
