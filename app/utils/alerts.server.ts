import type { AppLoadContext } from '@remix-run/node'

export type AlertsPayload = Awaited<ReturnType<typeof loadAlerts>>

/** /alerts: every rule with its state, and the last week of transitions. */
export async function loadAlerts(context: AppLoadContext, now = new Date()) {
  const [alerts, history] = await Promise.all([
    context.engine.alerts.list(),
    context.engine.alerts.history({ since: new Date(now.getTime() - 7 * 86_400_000), limit: 200 }),
  ])
  return { alerts, history, generatedAt: now.getTime() }
}
