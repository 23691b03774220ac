import { isDatabaseUnavailable } from './db/outage.ts'

/**
 * Process-wide last resort, installed once by the entry point. A rejection nobody handled is
 * logged and the process goes on: every piece that runs in the background (workers, scheduler,
 * outbox, event recorder) handles its own errors, so what reaches here is a stray promise, and
 * ending the process would turn a passing database outage into a lasting one. An uncaught
 * exception from a database that went away (a socket error on a checked-out connection, say) is
 * logged likewise; any other uncaught exception leaves the process in an unknown state, so it is
 * logged and the process exits for its supervisor to restart it.
 */
export function installProcessGuards(options: { log?: (line: string) => void; exit?: (code: number) => void } = {}) {
  const log = options.log ?? ((line: string) => console.error(line))
  const exit = options.exit ?? ((code: number) => process.exit(code))
  let lastOutageLog = 0
  const logOutage = (what: string, error: unknown) => {
    // one line in 10 s: an outage can raise many of these per second
    if (Date.now() - lastOutageLog < 10_000) return
    lastOutageLog = Date.now()
    log(`[process] ${what} while the database is unavailable (the process carries on): ${(error as Error)?.message}`)
  }
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) return logOutage('unhandled rejection', reason)
    log(`[process] unhandled rejection (the process carries on): ${(reason as Error)?.stack ?? String(reason)}`)
  })
  process.on('uncaughtException', (error) => {
    if (isDatabaseUnavailable(error)) return logOutage('uncaught exception', error)
    log(`[process] uncaught exception, exiting: ${error.stack ?? error.message}`)
    exit(1)
  })
}
