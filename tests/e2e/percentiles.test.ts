import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'

// Telemetry is seeded for restaurants of our own, so whatever else writes events into the demo
// database (the traffic simulator) cannot change the numbers asserted here.
const screenshotDir = path.resolve('tmp/e2e')

let server: E2eServer
let browser: Browser
let context: BrowserContext
let page: Page
let restaurantId: string
let pageErrors: string[]

const floor = (name: string) => ({
  name,
  timezone: 'Europe/Paris',
  zones: [{ key: 'main', name: 'Main room' }],
  tables: [
    { key: 'T1', zone: 'main', capacity: 2 },
    { key: 'T2', zone: 'main', capacity: 4 },
  ],
  adjacency: [['T1', 'T2']],
})

function recordQuote(minutesAgo: number, durationMs: number, trigger: 'inline' | 'job') {
  server.engine.events.record({
    type: 'auto_assign.quote',
    source: 'e2e',
    restaurantId,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000),
    context: {
      planner_duration_ms: durationMs,
      success: true,
      reason: null,
      reason_category: null,
      require_adjacency: true,
      max_tables: 3,
      trigger,
      attempt_index: 0,
      cache_hit: false,
    },
  })
}

function recordInline(minutesAgo: number, durationMs: number, outcome: 'confirmed' | 'queued' | 'timeout') {
  server.engine.events.record({
    type: 'inline_auto_assign.finished',
    source: 'e2e',
    restaurantId,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000),
    context: { duration_ms: durationMs, outcome, reason: null, timed_out: outcome === 'timeout' },
  })
}

beforeAll(async () => {
  server = await startE2eServer()
  const created = await server.engine.restaurants.putFloor('e2e-latency', floor('E2E Latency Bistro'))
  await server.engine.restaurants.putFloor('e2e-quiet', floor('E2E Quiet Cafe'))
  const found = await server.engine.restaurants.findBySlug('e2e-latency')
  restaurantId = found!.id
  void created

  // planner: 20 inline quotes of 1..20 ms and 2 job quotes of 100 and 200 ms over the last 20 minutes
  for (let i = 1; i <= 20; i++) recordQuote(20 - i + 0.5, i, 'inline')
  recordQuote(3, 100, 'job')
  recordQuote(2, 200, 'job')
  // inline runs: one timeout in four
  recordInline(10, 12, 'confirmed')
  recordInline(8, 15, 'confirmed')
  recordInline(6, 30, 'queued')
  recordInline(4, 1500, 'timeout')
  await server.engine.events.flush()

  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1366, height: 1000 } })
  page = await context.newPage()
  pageErrors = watchForPageErrors(page)
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent('/percentiles?restaurant=e2e-latency')}`)
  await page.getByLabel('Email').fill('ops@demo.maitre')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/percentiles\?restaurant=e2e-latency$/)
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

const tile = (label: string) =>
  page.locator('.tile', { has: page.locator('.tile-label', { hasText: new RegExp(`^${label}$`) }) })
// percentiles are nearest-rank from a sketch with a 1 % error bound (docs/metrics.md)
const tileNumber = async (label: string) =>
  Number((await tile(label).locator('.tile-value').innerText()).replace(/[^0-9.]/g, ''))
const within1Pct = (actual: number, expected: number) =>
  Math.abs(actual - expected) <= expected * 0.01 + 0.05 ? true : `${actual} is not within 1 % of ${expected}`

describe('/percentiles', () => {
  it('shows the planner chart and the summary tiles for one restaurant', async () => {
    await page.locator('[data-testid="time-series-chart"] svg.recharts-surface').first().waitFor()
    // nearest-rank p50 of 1..20, 100, 200 is 11; 22 calls; one inline timeout in four runs
    expect(within1Pct(await tileNumber('Planner p50'), 11)).toBe(true)
    expect(await tile('Planner p50').innerText()).toContain('22 planner calls')
    expect(await page.getByTestId('tile-inline-timeout').innerText()).toContain('25%')
    expect(await page.getByTestId('tile-inline-timeout').innerText()).toContain('1 of 4 inline runs')
    expect(within1Pct(await tileNumber('Inline p50'), 15)).toBe(true) // 12, 15, 30, 1500
    // one line per percentile in the planner chart, and three in the inline chart
    expect(await page.locator('[data-testid="time-series-chart"]').count()).toBe(2)
    expect(
      await page.locator('[data-testid="time-series-chart"]').first().locator('path.recharts-line-curve').count(),
    ).toBe(4)
    expect(
      await page.locator('[data-testid="time-series-chart"]').nth(1).locator('path.recharts-line-curve').count(),
    ).toBe(3)
    await page.getByTestId('live-status').waitFor()
    await page.mouse.move(0, 0)
    await page.screenshot({ path: path.join(screenshotDir, 'percentiles.png'), fullPage: true })
  })

  it('filters by planner caller through the GET form', async () => {
    await page.getByLabel('Planner caller').selectOption('job')
    await page.waitForURL(/trigger=job/)
    await expect.poll(() => tile('Planner p50').innerText()).toContain('2 planner calls')
    await expect.poll(async () => within1Pct(await tileNumber('Planner p50'), 100)).toBe(true)
    expect(new URL(page.url()).searchParams.get('restaurant')).toBe('e2e-latency')
  })

  it('refreshes live from the resource route', async () => {
    await page.getByLabel('Planner caller').selectOption('all')
    await page.waitForURL(/trigger=all/)
    for (let i = 0; i < 4; i++) recordInline(1, 1600, 'timeout')
    await server.engine.events.flush()
    // no navigation: React Query polls /resources/percentiles every 5 s
    await expect
      .poll(() => page.getByTestId('tile-inline-timeout').innerText(), { timeout: 15_000, interval: 500 })
      .toContain('5 of 8 inline runs')
    expect(await page.getByTestId('tile-inline-timeout').innerText()).toContain('63%')
  })

  it('answers the same numbers as JSON from /resources/percentiles', async () => {
    const response = await page.request.get(
      `${server.url}/resources/percentiles?restaurant=e2e-latency&trigger=inline&window=6h`,
    )
    expect(response.status()).toBe(200)
    const body = (await response.json()) as {
      filters: unknown
      planner: { totals: { count: number; p50: number }; buckets: unknown[] }
      inline: { totals: { runs: number; timeouts: number; inlineTimeoutPct: number } }
    }
    expect(body.filters).toMatchObject({ window: '6h', restaurant: 'e2e-latency', trigger: 'inline', pipeline: '' })
    expect(body.planner.totals.count).toBe(20)
    expect(within1Pct(body.planner.totals.p50, 10)).toBe(true)
    // 6 hours of 5-minute buckets aligned to the clock: 72, plus the partial first one unless now is on a boundary
    expect([72, 73]).toContain(body.planner.buckets.length)
    expect(body.inline.totals).toMatchObject({ runs: 8, timeouts: 5, inlineTimeoutPct: 62.5 })
  })

  it('says what to do when there is no data', async () => {
    await page.goto(`${server.url}/percentiles?restaurant=e2e-quiet`)
    const empty = page.getByTestId('percentiles-empty')
    await empty.waitFor()
    expect(await empty.innerText()).toContain('No planner telemetry in the last hour for E2E Quiet Cafe')
    expect(await empty.innerText()).toContain('POST /api/bookings')
    await page.screenshot({ path: path.join(screenshotDir, 'percentiles-empty.png') })
  })

  it('rendered and refreshed without errors in the browser', () => {
    expect(pageErrors).toEqual([])
  })

  it('works as a plain GET form without JavaScript', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() })
    const plain = await noJs.newPage()
    await plain.goto(`${server.url}/percentiles?restaurant=e2e-latency`)
    await plain.getByLabel('Planner caller').selectOption('job')
    await plain.getByRole('button', { name: 'Apply' }).click()
    await plain.waitForURL(/trigger=job/)
    expect(await plain.locator('.tile', { hasText: 'Planner p50' }).innerText()).toContain('2 planner calls')
    await noJs.close()
  })
})

fs.mkdirSync(screenshotDir, { recursive: true })
