import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'
import type { EventType } from '../../server/observability/event-catalog.ts'

// Seeded telemetry for restaurants of our own, so the demo simulator cannot change what is asserted.
const screenshotDir = path.resolve('tmp/e2e')
let server: E2eServer
let browser: Browser
let context: BrowserContext
let page: Page
let pageErrors: string[]
let restaurantId: string

const floor = (name: string) => ({
  name,
  timezone: 'Europe/Paris',
  zones: [{ key: 'main', name: 'Main room' }],
  tables: [{ key: 'T1', zone: 'main', capacity: 4 }],
  adjacency: [],
})

function record(
  type: EventType,
  minutesAgo: number,
  context: Record<string, unknown>,
  bookingId: string | null = null,
) {
  server.engine.events.record({
    type,
    source: 'e2e',
    restaurantId,
    bookingId,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000),
    context,
  })
}

beforeAll(async () => {
  server = await startE2eServer()
  await server.engine.restaurants.putFloor('e2e-dash', floor('E2E Dashboard Diner'))
  restaurantId = (await server.engine.restaurants.findBySlug('e2e-dash'))!.id
  const booking = '11111111-2222-4333-8444-555555555555'
  for (let i = 0; i < 4; i++) record('booking.created', 30 - i, { party_size: 2, start_at: '2030-01-01T19:00:00Z' })
  for (let i = 0; i < 3; i++)
    record('booking.confirmed', 29 - i, { trigger: 'inline', pipeline: 'legacy', shadow: false })
  record('inline_auto_assign.finished', 28, { duration_ms: 40, outcome: 'confirmed', timed_out: false })
  record('inline_auto_assign.finished', 27, { duration_ms: 900, outcome: 'queued', timed_out: false })
  record('auto_assign.summary', 20, { result: 'succeeded', attempts_used: 2, total_duration_ms: 1200 }, booking)
  record('auto_assign.summary', 19, { result: 'exhausted', attempts_used: 4, total_duration_ms: 8000 })
  record('auto_assign.quote', 26, {
    planner_duration_ms: 3,
    success: false,
    reason: 'NO_AVAILABILITY',
    trigger: 'job',
    cache_hit: false,
  })
  record('auto_assign.quote', 25, {
    planner_duration_ms: 4,
    success: false,
    reason: 'NO_AVAILABILITY',
    trigger: 'job',
    cache_hit: false,
  })
  record('auto_assign.quote', 24, {
    planner_duration_ms: 5,
    success: false,
    reason: 'ADJACENCY_UNSATISFIED',
    trigger: 'job',
    cache_hit: false,
  })
  record('auto_assign.quote', 23, {
    planner_duration_ms: 2,
    success: false,
    reason: 'PARTY_TOO_LARGE',
    trigger: 'job',
    cache_hit: false,
  })
  await server.engine.events.flush()

  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1024, height: 1200 } }) // a tablet in landscape
  page = await context.newPage()
  pageErrors = watchForPageErrors(page)
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent('/?restaurant=e2e-dash&window=1h')}`)
  await page.getByLabel('Email').fill('ops@demo.maitre')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/\?restaurant=e2e-dash&window=1h$/)
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

const download = async (href: string) => {
  const response = await page.request.get(new URL(href, server.url).toString())
  return { type: response.headers()['content-type'], text: await response.text() }
}

describe('dashboard pages', () => {
  it('/ shows bookings, confirmation rate and the restaurant row, with CSV', async () => {
    expect(await page.getByTestId('tile-bookings').innerText()).toContain('4')
    expect(await page.getByTestId('tile-confirmation-rate').innerText()).toContain('75%')
    const row = page.getByTestId('overview-restaurants').locator('tr', { hasText: 'E2E Dashboard Diner' })
    expect(await row.innerText()).toMatch(/4\s+75%\s+1\s+1/)
    const csv = await download((await page.getByTestId('csv-download').getAttribute('href'))!)
    expect(csv.type).toContain('text/csv')
    expect(csv.text).toContain('e2e-dash,4,75,1,1,0,0')
    await page.screenshot({ path: path.join(screenshotDir, 'overview.png'), fullPage: true })
  })

  it('/attempts shows attempts, success rate and the path, filtered through the URL', async () => {
    await page.goto(`${server.url}/attempts?restaurant=e2e-dash&window=1h`)
    expect(await page.getByTestId('tile-jobs').innerText()).toContain('2')
    expect(await page.getByTestId('tile-avg-attempts').innerText()).toContain('3')
    expect(await page.getByTestId('tile-job-success').innerText()).toContain('50%')
    expect(await page.getByTestId('attempts-flow').innerText()).toContain('Job: exhausted')
    await page.getByLabel('Time window').selectOption('6h')
    await page.waitForURL(/window=6h/)
    expect(new URL(page.url()).searchParams.get('restaurant')).toBe('e2e-dash')
    await page.getByTestId('recent-jobs').getByRole('link', { name: 'events', exact: true }).first().click()
    await page.waitForURL(/\/events\?booking=/)
    expect(await page.getByTestId('events-table').innerText()).toContain('auto_assign.summary')
    await page.goto(`${server.url}/attempts?restaurant=e2e-dash&window=1h`)
    await page.screenshot({ path: path.join(screenshotDir, 'attempts.png'), fullPage: true })
  })

  it('/reasons shows shares and categories with a table alternative and CSV', async () => {
    await page.goto(`${server.url}/reasons?restaurant=e2e-dash&window=1h`)
    expect(await page.getByTestId('tile-capacity').innerText()).toContain('50%')
    expect(await page.getByTestId('tile-hard').innerText()).toContain('50%')
    const table = page.getByTestId('reason-table')
    expect(await table.innerText()).toContain('The floor is full for that slot.')
    await page.getByText('Show as table').click()
    const csv = await download((await page.getByTestId('csv-download').getAttribute('href'))!)
    expect(csv.text.split('\r\n')[0]).toBe(
      'bucket_start,failures,NO_AVAILABILITY_pct,ADJACENCY_UNSATISFIED_pct,PARTY_TOO_LARGE_pct',
    )
    await page.screenshot({ path: path.join(screenshotDir, 'reasons.png'), fullPage: true })
  })

  it('/events filters by type and tails live', async () => {
    await page.goto(`${server.url}/events?restaurant=e2e-dash&type=booking.created`)
    const rows = page.getByTestId('events-table').locator('tbody tr')
    expect(await rows.count()).toBe(4)
    record('booking.created', 0, { party_size: 6, start_at: '2030-01-01T20:00:00Z' })
    await server.engine.events.flush()
    await expect.poll(() => rows.count(), { timeout: 15_000, interval: 500 }).toBe(5)
    expect(await rows.first().innerText()).toContain('"party_size": 6')
    await page.screenshot({ path: path.join(screenshotDir, 'events.png'), fullPage: true })
  })

  it('/alerts lists the seeded rules and silences one through its form', async () => {
    await page.goto(`${server.url}/alerts`)
    expect(await page.getByTestId('alert-rules').innerText()).toContain('coordinator_high_error_rate')
    expect(await page.getByTestId('state-manual_review_queue_spike').innerText()).toContain('ok')
    await page.getByLabel('Silence circuit_breaker_open for').selectOption('240')
    await page
      .getByTestId('alert-rules')
      .locator('tr', { hasText: 'circuit_breaker_open' })
      .getByRole('button', { name: 'Silence' })
      .click()
    await page.getByTestId('silenced-circuit_breaker_open').waitFor()
    const rule = (await server.engine.alerts.list()).find((a) => a.key === 'circuit_breaker_open')!
    expect(Date.parse(rule.silencedUntil!) - Date.now()).toBeGreaterThan(3.9 * 3_600_000)
    await page.screenshot({ path: path.join(screenshotDir, 'alerts.png'), fullPage: true })
  })

  it('rendered without errors in the browser', () => {
    expect(pageErrors).toEqual([])
  })
})

fs.mkdirSync(screenshotDir, { recursive: true })
