import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'
import type { EventType } from '../../server/observability/event-catalog.ts'

// The overview's ramps panel and pipeline column, the /attempts retry policy v2 panel, and the
// booking timeline reached from /attempts, on a restaurant of our own (the demo data cannot move
// what is asserted).
const screenshotDir = path.resolve('tmp/e2e')
let server: E2eServer
let browser: Browser
let context: BrowserContext
let page: Page
let pageErrors: string[]
let restaurantId: string
let bookingId: string
const change = { actor: 'user:engineer@demo.maitre', comment: 'e2e' }

function record(type: EventType, minutesAgo: number, context: Record<string, unknown>, booking: string | null = null) {
  server.engine.events.record({
    type,
    source: 'e2e',
    restaurantId,
    bookingId: booking,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000),
    context,
  })
}

beforeAll(async () => {
  server = await startE2eServer()
  await server.engine.restaurants.putFloor('e2e-ops', {
    name: 'E2E Ops Diner',
    timezone: 'Europe/Paris',
    zones: [{ key: 'main', name: 'Main room' }],
    tables: [
      { key: 'T1', zone: 'main', capacity: 2 },
      { key: 'T2', zone: 'main', capacity: 2 },
    ],
    adjacency: [['T1', 'T2']],
  })
  restaurantId = (await server.engine.restaurants.findBySlug('e2e-ops'))!.id

  const answer = await server.engine.bookings.create({
    restaurant: 'e2e-ops',
    startAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    partySize: 4,
    guest: { name: 'Ada Lovelace', email: 'ada@example.com' },
  })
  bookingId = answer.booking.id
  // then (the booking above is seated by legacy): V3 ramps over 40 % of this restaurant's bookings, V3 shadows the rest
  await server.engine.flags.setRule(
    'assignment.pipeline_v3',
    { restaurantId },
    { enabled: true, rolloutPercent: 40 },
    change,
  )
  await server.engine.flags.setRule('assignment.pipeline_v3_shadow', { restaurantId }, { enabled: true }, change)
  record(
    'auto_assign.summary',
    0,
    { result: 'succeeded', attempts_used: 1, max_attempts: 5, reason: null, total_duration_ms: 900 },
    bookingId,
  )
  const decision = (name: string, minutesAgo: number, attempt: number, reason: string) =>
    record('auto_assign.retry_decision', minutesAgo, {
      decision: name,
      policy: 'v2',
      attempt_number: attempt,
      reason,
      pipeline: 'legacy',
    })
  decision('skip_first_attempt', 20, 1, 'PARTY_TOO_LARGE')
  decision('skip_first_attempt', 19, 1, 'NO_TABLES_IN_ZONE')
  decision('relax_after_timeout', 18, 1, 'TIMEOUT')
  decision('stop_on_hard_reason', 17, 2, 'ADJACENCY_UNSATISFIED')
  for (const m of [16, 15, 14]) decision('cap_capacity_retries', m, 3, 'NO_AVAILABILITY')
  await server.engine.events.flush()

  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1280, height: 1200 } })
  page = await context.newPage()
  pageErrors = watchForPageErrors(page)
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent('/?restaurant=e2e-ops&window=1h')}`)
  await page.getByLabel('Email').fill('ops@demo.maitre')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/\?restaurant=e2e-ops&window=1h$/)
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

const download = async (href: string) => {
  const response = await page.request.get(new URL(href, server.url).toString())
  return response.text()
}

describe('ops drill-downs', () => {
  it('/ shows the pipeline each restaurant runs and the flag ramps in progress', async () => {
    const row = page.getByTestId('overview-restaurants').locator('tr', { hasText: 'E2E Ops Diner' })
    expect(await row.innerText()).toContain('V3 on 40% of bookings · shadow on')
    expect(await page.getByTestId('overview-ramps').innerText()).toContain('No ramps in progress')

    const ramp = await server.engine.ramps.create(
      'auto_assign.retry_policy_v2',
      {
        restaurantId: null,
        stages: [
          { percent: 10, holdMinutes: 60, name: 'pilot' },
          { percent: 50, holdMinutes: 60 },
          { percent: 100, holdMinutes: 60 },
        ],
        guardrails: [],
      },
      change,
    )
    await page.reload()
    const ramps = page.getByTestId('overview-ramps-table')
    const rampRow = ramps.locator('tbody tr', { hasText: 'auto_assign.retry_policy_v2' })
    const text = await rampRow.innerText()
    expect(text).toContain('global')
    expect(text).toContain('1 of 3 · 10%')
    expect(text).toContain('running')
    expect(text).toMatch(/\d{1,2}:\d{2}/) // the next step's time
    const csv = await download((await page.getByTestId('csv-download').getAttribute('href'))!)
    expect(csv).toContain(
      'e2e-ops,1,100,1,1,0,0,mixed,40,true,auto_assign.retry_policy_v2 (global) stage 1 of 3 at 10% running',
    )
    await page.screenshot({ path: path.join(screenshotDir, 'overview-ramps.png'), fullPage: true })
    await rampRow.getByRole('link', { name: 'auto_assign.retry_policy_v2' }).click()
    await page.waitForURL(new RegExp(`/ramps/${ramp.id}$`))
  })

  it('/attempts shows what retry policy v2 decided, with words and a table', async () => {
    await page.goto(`${server.url}/attempts?restaurant=e2e-ops&window=1h`)
    const panel = page.getByTestId('retry-decisions')
    const notes = await panel.getByTestId('retry-decision-notes').innerText()
    expect(notes).toContain('Skipped the first job attempt: 2')
    expect(notes).toContain('Relaxed after an inline timeout: 1')
    expect(notes).toContain('Stopped on a hard reason: 1')
    expect(notes).toContain('Capped capacity retries: 3')
    expect(notes).toContain('Saves: The attempts left up to maxAttempts and their backoff waits.')
    await panel.getByText('Show as table').click()
    const table = panel.getByTestId('retry-decisions-table')
    expect(await table.locator('tr', { hasText: 'Capped capacity retries' }).innerText()).toMatch(
      /Capped capacity retries\s+3\s+The floor stayed full/,
    )
    const csv = await download(`/resources/attempts?restaurant=e2e-ops&window=1h&format=csv`)
    expect(csv).toContain('retry_decision,skip_first_attempt,2\r\n')
    expect(csv).toContain('retry_decision,cap_capacity_retries,3\r\n')
    await page.screenshot({ path: path.join(screenshotDir, 'attempts-retry-decisions.png'), fullPage: true })
  })

  it('/attempts leads to the booking timeline', async () => {
    await page.getByTestId('recent-jobs').getByRole('link', { name: 'booking timeline' }).first().click()
    await page.waitForURL(new RegExp(`/bookings/${bookingId}$`))
    const summary = await page.getByTestId('booking-summary').innerText()
    expect(summary).toContain('E2E Ops Diner')
    expect(summary).toContain('confirmed')
    expect(await page.getByTestId('booking-tables').innerText()).toMatch(/T1 \+ T2|T2 \+ T1/)
    const timeline = page.getByTestId('booking-timeline')
    const titles = await timeline.locator('li strong').allInnerTexts()
    expect(titles).toContain('Booking received')
    expect(titles.some((t) => /^Attempt 1: seated at/.test(t))).toBe(true)
    expect(titles).toContain('Confirmed')
    expect(titles).toContain('Background job finished')
    // oldest first
    const times = await timeline
      .locator('li time')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')!))
    expect(times).toEqual([...times].sort())
    expect(await timeline.innerText()).toMatch(/trigger\s*inline/)
    await page.screenshot({ path: path.join(screenshotDir, 'booking-timeline.png'), fullPage: true })
  })

  it('answers an unknown booking with 404 and a malformed id with 400', async () => {
    const unknown = await page.goto(`${server.url}/bookings/7b0c1a52-2a55-4a3e-9d6e-3a4b5c6d7e8f`)
    expect(unknown!.status()).toBe(404)
    expect(await page.getByTestId('booking-not-found').innerText()).toContain('No such booking')
    const malformed = await page.goto(`${server.url}/bookings/not-a-booking`)
    expect(malformed!.status()).toBe(400)
    expect(await page.getByTestId('booking-bad-id').innerText()).toContain('not a booking id')
  })

  it('rendered without errors in the browser', () => {
    expect(pageErrors).toEqual([])
  })
})

fs.mkdirSync(screenshotDir, { recursive: true })
