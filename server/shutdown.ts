import type { RunningServer } from './main.ts'

/** SIGTERM to exit: the drain inside gives requests and jobs their time, this is the backstop */
export const SHUTDOWN_DEADLINE_MS = 10_000

/**
 * SIGTERM and SIGINT drain the server (requests in flight finish, jobs in flight finish or are
 * left for redelivery, see RunningServer.stop) and exit 0; a drain still running at the deadline,
 * or a second signal, exits 1 at once. Either way nothing acknowledged is lost: a job that did not
 * finish is delivered again after its expiry.
 */
export function exitOnSignals(running: RunningServer, options: { deadlineMs?: number } = {}): void {
  const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS
  let signals = 0
  const shutdown = (signal: string) => {
    signals++
    if (signals > 1) {
      console.error('Second signal: exiting without draining')
      process.exit(1)
    }
    console.log(`${signal}: draining requests and jobs, then closing the database…`)
    setTimeout(() => {
      console.error(`Drain did not finish within ${deadlineMs} ms: exiting; unfinished jobs are redelivered`)
      process.exit(1)
    }, deadlineMs).unref()
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
