import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'
import { insertBooking } from '../helpers/bookings.ts'

// A restaurant of our own, so the demo simulator's bookings cannot change what is asserted.
let server: E2eServer
let browser: Browser
let page: Page
let pageErrors: string[]
let bookingId: string

beforeAll(async () => {
  server = await startE2eServer()
  const engine = server.engine
  const created = await engine.restaurants.putFloor('e2e-shadow', {
    name: 'E2E Shadow Bistro',
    timezone: 'UTC',
    zones: [{ key: 'main', name: 'Main' }],
    tables: [
      { key: 'A', zone: 'main', capacity: 4 },
      { key: 'B', zone: 'main', capacity: 2 },
      { key: 'C', zone: 'main', capacity: 4, mergeable: false },
    ],
    adjacency: [['A', 'B']],
  })
  await engine.flags.setRule(
    'assignment.pipeline_v3_shadow',
    { restaurantId: created.id },
    { enabled: true },
    { actor: 'e2e', comment: 'test setup' },
  )
  const startAt = new Date(Date.now() + 2 * 86_400_000)
  startAt.setUTCHours(12, 0, 0, 0)
  // a party of six waits for A+B; legacy seats a party of two at B, V3 would have used C
  await insertBooking(engine, created.id, { startAt, partySize: 6, state: 'assignment_pending', minutes: 120 })
  const answer = await engine.bookings.create({
    restaurant: 'e2e-shadow',
    startAt: startAt.toISOString(),
    partySize: 2,
    guest: { name: 'Two', email: 'two@example.com' },
  })
  bookingId = answer.booking.id
  await engine.v3.shadow.drain()
  await engine.events.flush()

  browser = await launchBrowser()
  page = await (await browser.newContext({ viewport: { width: 1366, height: 1000 } })).newPage()
  pageErrors = watchForPageErrors(page)
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent('/shadow?restaurant=e2e-shadow')}`)
  await page.getByLabel('Email').fill('ops@demo.maitre')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/shadow\?restaurant=e2e-shadow$/)
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

describe('/shadow', () => {
  it('shows the match rate, the mismatch with both plans on the floor, and the booking timeline', async () => {
    expect(await page.getByTestId('tile-match-rate').innerText()).toContain('0 of 1 bookings')
    const card = page.getByTestId('shadow-comparison').first()
    await card.waitFor()
    const text = await card.innerText()
    expect(text).toContain('Different tables')
    expect(text).toMatch(/Legacy\s+B ·/)
    expect(text).toMatch(/V3\s+C ·/)
    expect(await card.locator('.floor-legacy').innerText()).toContain('B')
    expect(await card.locator('.floor-v3').innerText()).toContain('C')

    // the mismatch leads to the booking's own page (/bookings/:id) too
    expect(await card.getByRole('link', { name: 'booking page' }).getAttribute('href')).toBe(`/bookings/${bookingId}`)
    await card.getByRole('link', { name: 'timeline' }).click()
    await page.waitForURL(new RegExp(`booking=${bookingId}`))
    const timeline = page.getByTestId('shadow-timeline')
    await timeline.waitFor()
    const story = await timeline.innerText()
    expect(story).toContain('created → confirmed')
    expect(story).toContain('shadow.compared')
    expect(pageErrors).toEqual([])
  })
})
