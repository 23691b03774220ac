import { ConfigError, loadConfig } from './config.ts'
import { startServer } from './main.ts'
import { installProcessGuards } from './process-guards.ts'
import { startupBanner } from './startup/banner.ts'
import { portUnavailableMessage } from './startup/port-check.ts'

/** SIGTERM to exit: the drain inside gives requests and jobs their time, this is the backstop */
const SHUTDOWN_DEADLINE_MS = 10_000

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

  let signals = 0
  const shutdown = (signal: string) => {
    signals++
    if (signals > 1) {
      console.error('Second signal: exiting without draining')
      process.exit(1)
    }
    console.log(`${signal}: draining requests and jobs, then closing the database…`)
    setTimeout(() => {
      console.error(`Drain did not finish within ${SHUTDOWN_DEADLINE_MS} ms: exiting; unfinished jobs are redelivered`)
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
    running.stop().then(
      () => process.exit(0),
      (error) => {
        console.error('Shutdown failed:', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((error) => {
  console.error('Maitre failed to start:', error)
  process.exit(1)
})
