import { ExponentialBackoff, handleAll, retry } from 'cockatiel'

/** What is posted to ALERT_WEBHOOK_URL (JSON) and mailed, for every transition. */
export interface AlertNotice {
  key: string
  description: string
  severity: string
  metric: string
  from: string
  to: string
  at: string
  value: number | null
  threshold: number | null
}

/** Mail that is not about a booking; the outbox's enqueueNotification once it exists. */
export type SendAlertEmail = (message: { to: string; subject: string; text: string; key: string }) => Promise<void>

export interface AlertNotifier {
  /** queues the notice and returns at once: notifying never blocks evaluation */
  notify(notice: AlertNotice): void
  /** resolves when everything queued so far was delivered or given up (tests, shutdown) */
  drain(): Promise<void>
  stats(): { posted: number; failed: number; emailed: number; queued: number }
}

export interface NotifierOptions {
  webhookUrl?: string
  emailTo?: string
  sendEmail?: SendAlertEmail
  /** attempts per webhook post, the first included */
  maxAttempts?: number
  initialDelayMs?: number
  timeoutMs?: number
  fetch?: typeof fetch
  log?: (message: string) => void
}

/**
 * Webhook and email for alert transitions. Policy: each notice is posted once in order of arrival,
 * retried with exponential backoff (cockatiel) on a network error or a non-2xx answer, up to
 * maxAttempts, each try bounded by timeoutMs; then it is dropped and logged. The queue is bounded
 * (oldest dropped beyond 500) so a dead webhook cannot eat memory. Mail goes through the injected
 * sendEmail (the outbox), which retries on its own; only firing and resolved transitions are mailed.
 */
export function createAlertNotifier(options: NotifierOptions): AlertNotifier {
  const log = options.log ?? ((message: string) => console.error(message))
  const doFetch = options.fetch ?? fetch
  const policy = retry(handleAll, {
    maxAttempts: Math.max(0, (options.maxAttempts ?? 5) - 1),
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 500, maxDelay: 30_000 }),
  })
  const queue: AlertNotice[] = []
  let running: Promise<void> | null = null
  let posted = 0
  let failed = 0
  let emailed = 0

  async function post(notice: AlertNotice): Promise<void> {
    const response = await doFetch(options.webhookUrl!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'maitre-alerts' },
      body: JSON.stringify({ alert: notice }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    })
    await response.arrayBuffer().catch(() => undefined)
    if (!response.ok) throw new Error(`webhook answered ${response.status}`)
  }

  async function deliver(notice: AlertNotice): Promise<void> {
    if (options.webhookUrl) {
      try {
        await policy.execute(() => post(notice))
        posted++
      } catch (error) {
        failed++
        log(`[alerts] webhook gave up on ${notice.key} ${notice.to}: ${(error as Error).message}`)
      }
    }
    if (options.emailTo && options.sendEmail && (notice.to === 'firing' || notice.to === 'resolved')) {
      try {
        await options.sendEmail({
          to: options.emailTo,
          key: `${notice.key}:${notice.to}:${notice.at}`,
          subject: `[${notice.severity}] ${notice.to === 'firing' ? 'FIRING' : 'resolved'}: ${notice.key}`,
          text: `${notice.description}\n\nmetric ${notice.metric} = ${notice.value ?? 'no data'} (threshold ${notice.threshold ?? 'n/a'})\nat ${notice.at}\n`,
        })
        emailed++
      } catch (error) {
        log(`[alerts] could not queue the email for ${notice.key}: ${(error as Error).message}`)
      }
    }
  }

  function pump(): Promise<void> {
    running ??= (async () => {
      while (queue.length > 0) await deliver(queue.shift()!)
    })().finally(() => {
      running = null
    })
    return running
  }

  return {
    notify(notice) {
      if (!options.webhookUrl && !(options.emailTo && options.sendEmail)) return
      queue.push(notice)
      if (queue.length > 500) queue.shift()
      void pump()
    },
    async drain() {
      while (running || queue.length > 0) await (running ?? pump())
    },
    stats: () => ({ posted, failed, emailed, queued: queue.length }),
  }
}
