import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'
import { bookIntoReview, eveningStart, reviewFloor } from '../helpers/review-floor.ts'

const PASSWORD = 'demo-password'
const screenshotDir = path.resolve('tmp/e2e')

let server: E2eServer
let browser: Browser

async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []) {
  return (await server.engine.database.executeSql(text, values)).rows as T[]
}

async function signIn(page: Page, email: string, redirectTo = '/review') {
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent(redirectTo)}`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${server.url}${redirectTo}`)
}

const book = (days: number, guest: string) =>
  bookIntoReview(server.engine, {
    restaurant: 'review-bistro',
    startAt: eveningStart(days),
    partySize: 4,
    zone: 'main',
    guest,
  })

/** Presses Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
async function tabTo(
  page: Page,
  matches: (el: { text: string; label: string | null; role: string | null }) => boolean,
  max = 80,
) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return {
        text: (el?.innerText ?? el?.textContent ?? '').trim(),
        label: el?.getAttribute('aria-label') ?? null,
        role: el?.getAttribute('role') ?? null,
      }
    })
    if (matches(focused)) return
  }
  throw new Error('never reached the element with Tab')
}

beforeAll(async () => {
  server = await startE2eServer()
  browser = await launchBrowser()
  fs.mkdirSync(screenshotDir, { recursive: true })
  const imported = await server.engine.restaurants.putFloor('review-bistro', reviewFloor())
  // a hard failure goes straight to review under retry policy v2, without minutes of backoff
  await server.engine.flags.setRule(
    'auto_assign.retry_policy_v2',
    { restaurantId: imported.id },
    { enabled: true, value: true },
    { actor: 'e2e', comment: 'test setup' },
  )
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

describe('manual review in the browser', () => {
  let context: BrowserContext
  let page: Page
  let pageErrors: string[]
  let first = ''
  let second = ''

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 820, height: 1180 } }) // a tablet, upright
    page = await context.newPage()
    pageErrors = watchForPageErrors(page)
  })
  afterAll(async () => {
    await context?.close()
  })

  it('says all is well when nothing waits', async () => {
    await signIn(page, 'staff@demo.maitre')
    await page.getByTestId('review-empty').waitFor()
    expect(await page.getByTestId('review-empty').innerText()).toMatch(/All clear/)
  })

  it('shows new bookings live, with why in words, and a count in the navigation', async () => {
    ;[first, second] = await Promise.all([book(2, 'Ada Mouse'), book(3, 'Ben Keys')])
    const items = page.getByTestId('review-item')
    await page.locator(`[data-booking-id="${second}"]`).waitFor({ timeout: 15_000 })
    const ids = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-booking-id')))
    expect(ids).toEqual([first, second]) // most urgent first
    const card = await page.locator(`[data-booking-id="${first}"]`).innerText()
    expect(card).toContain('Ada Mouse · party of 4')
    expect(card).toMatch(/not at tables that stand next to each other/)
    expect(card).not.toContain('ADJACENCY_UNSATISFIED')
    await page.getByTestId('nav-count').waitFor({ timeout: 15_000 })
    expect(await page.getByTestId('nav-count').innerText()).toBe('2')
    // resolved elsewhere: the card leaves without a reload
    const gone = await book(30, 'Gus Gone')
    await page.locator(`[data-booking-id="${gone}"]`).waitFor({ timeout: 15_000 })
    await server.engine.review.cancel({
      bookingId: gone,
      reason: 'duplicate',
      actor: { userId: null, name: 'API', id: 'api' },
    })
    await page.locator(`[data-booking-id="${gone}"]`).waitFor({ state: 'detached', timeout: 15_000 })
    await page.screenshot({ path: path.join(screenshotDir, 'review-queue.png'), fullPage: true })
  })

  it('picks a suggestion, seats it, and sees it confirmed and gone from the queue', async () => {
    const id = first
    await page.locator(`[data-booking-id="${id}"] a`).click()
    await page.waitForURL(`${server.url}/review/${id}`)
    await page.getByTestId('floor-view').waitFor()
    const suggestion = page.getByTestId('suggestion').filter({ hasText: 'Tables not side by side' })
    await suggestion.getByRole('button', { name: 'Show on floor' }).click()
    expect(await page.locator('[data-table="T1"]').getAttribute('aria-checked')).toBe('true')
    expect(await page.locator('[data-table="T2"]').getAttribute('aria-checked')).toBe('true')
    expect(await page.locator('#table-T1').isChecked()).toBe(true)
    await page.screenshot({ path: path.join(screenshotDir, 'review-booking.png'), fullPage: true })
    await suggestion.getByRole('button', { name: 'Seat at T1 + T2' }).click()
    await page.waitForURL(/\/review\?done=seated/)
    expect(await page.getByTestId('review-done').innerText()).toMatch(/is confirmed at T1 \+ T2/)
    expect(await page.locator(`[data-booking-id="${id}"]`).count()).toBe(0)
    expect(await sql('select status from bookings where id = $1', [id])).toEqual([{ status: 'confirmed' }])
    expect(await sql('select kind from email_outbox where booking_id = $1', [id])).toEqual([{ kind: 'confirmation' }])
    expect(await sql(`select actor, details->>'actorName' as name from audit_log where entity_id = $1`, [id])).toEqual([
      { actor: 'user:staff@demo.maitre', name: 'Sam Staff' },
    ])
  })

  it('does the same with the keyboard only', async () => {
    const id = second
    await page.goto(`${server.url}/review`)
    // the live status renders once React has hydrated the page: keys pressed in the first
    // milliseconds of hydration made React 18 throw "Root did not complete" (#345) now and then
    // (a discrete event forcing a sync hydration); a person cannot press Tab and Enter that fast
    await page.getByTestId('live-status').waitFor()
    await tabTo(page, (el) => el.text.includes('Ben Keys'))
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/review/${id}`)
    await page.getByTestId('floor-view').waitFor()
    await tabTo(page, (el) => el.role === 'checkbox' && (el.label ?? '').startsWith('P1,'))
    await page.keyboard.press('Space')
    expect(await page.locator('[data-table="P1"]').getAttribute('aria-checked')).toBe('true')
    await tabTo(page, (el) => el.text === 'Seat at selected tables')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/review\?done=seated/)
    expect(await page.getByTestId('review-done').innerText()).toMatch(/is confirmed at P1/)
    expect(await sql('select status from bookings where id = $1', [id])).toEqual([{ status: 'confirmed' }])
    await page.getByTestId('review-empty').waitFor()
  })

  it('tells the second of two people who got there first', async () => {
    const id = await book(4, 'Cleo Race')
    await page.goto(`${server.url}/review/${id}`)
    await page.getByTestId('floor-view').waitFor()
    // someone else seats it while this page is open
    const version = (await server.engine.review.detail(id))!.booking.version
    await server.engine.review.seat({
      bookingId: id,
      tables: ['P1'],
      expectedVersion: version,
      actor: { userId: null, name: 'Olga Other', id: 'user:olga@example.com' },
    })
    await page
      .getByTestId('suggestion')
      .filter({ hasText: 'Tables not side by side' })
      .getByRole('button', { name: 'Seat at T1 + T2' })
      .click()
    await page.getByTestId('review-error').waitFor()
    expect(await page.getByTestId('review-error').innerText()).toMatch(/Olga Other seated it at P1/)
    await page.getByTestId('review-resolved').waitFor()
    expect(await page.getByTestId('review-status').innerText()).toBe('Confirmed at P1')
    expect(await sql('select count(*)::int as n from email_outbox where booking_id = $1', [id])).toEqual([{ n: 1 }])
  })

  it('hydrated every page without errors', () => {
    // the 409 of the race above is the answer the test asked for, not an error of the page
    expect(pageErrors.filter((e) => !/status of 409/.test(e)).join('\n')).toBe('')
  })
})

describe('roles and progressive enhancement', () => {
  it('lets ops watch the queue but not act', async () => {
    const id = await book(5, 'Dora Ops')
    const context = await browser.newContext()
    const page = await context.newPage()
    await signIn(page, 'ops@demo.maitre')
    await page.locator(`[data-booking-id="${id}"]`).waitFor()
    await page.goto(`${server.url}/review/${id}`)
    await page.getByTestId('floor-view').waitFor()
    expect(await page.getByRole('button', { name: /^Seat at/ }).count()).toBe(0)
    expect(await page.locator('[data-table="T1"]').getAttribute('role')).toBe('img')
    const post = await page.request.post(`${server.url}/review/${id}`, {
      form: { intent: 'cancel', expectedVersion: '1', reason: 'ops should not' },
    })
    expect(post.status()).toBe(403)
    expect(await sql('select status from bookings where id = $1', [id])).toEqual([{ status: 'pending_allocation' }])
    await context.close()
  })

  it('seats and cancels without JavaScript', async () => {
    const [seatMe, cancelMe] = await Promise.all([book(6, 'Eve NoJs'), book(7, 'Finn NoJs')])
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } }) // a phone
    const page = await context.newPage()
    await signIn(page, 'staff@demo.maitre')
    await page.goto(`${server.url}/review/${seatMe}`)
    await page.getByRole('checkbox', { name: /^T1, 2 seats/ }).check()
    await page.getByRole('checkbox', { name: /^T2, 2 seats/ }).check()
    await page.getByRole('button', { name: 'Seat at selected tables' }).click()
    await page.waitForURL(/\/review\?done=seated/)
    expect(await page.getByTestId('review-done').innerText()).toMatch(/confirmed at T1 \+ T2/)
    await page.goto(`${server.url}/review/${cancelMe}`)
    await page.getByLabel('Reason for cancelling').fill('Guest called to cancel')
    await page.getByRole('button', { name: 'Cancel booking' }).click()
    await page.waitForURL(/\/review\?done=cancelled/)
    await page.screenshot({ path: path.join(screenshotDir, 'review-phone.png'), fullPage: true })
    expect(await sql('select status from bookings where id = $1', [cancelMe])).toEqual([{ status: 'cancelled' }])
    await context.close()
  })
})
