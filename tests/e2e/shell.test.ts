import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'

const PASSWORD = 'demo-password'
const screenshotDir = path.resolve('tmp/e2e')

let server: E2eServer
let browser: Browser

beforeAll(async () => {
  server = await startE2eServer()
  browser = await launchBrowser()
  fs.mkdirSync(screenshotDir, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function navLabels(page: Page): Promise<string[]> {
  // the URL changes a moment before the revalidated shell renders: wait for it
  const nav = page.getByRole('navigation', { name: 'Main' })
  await nav.waitFor()
  return nav.getByRole('link').allInnerTexts()
}

describe('signed-in app shell', () => {
  let context: BrowserContext
  let page: Page
  let pageErrors: string[]

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    page = await context.newPage()
    pageErrors = watchForPageErrors(page)
  })
  afterAll(async () => {
    await context?.close()
  })

  it('sends a signed-out visitor to /login, remembering where they were going', async () => {
    await page.goto(`${server.url}/attempts`)
    await page.waitForURL(/\/login\?redirectTo=%2Fattempts$/)
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true)
    await page.screenshot({ path: path.join(screenshotDir, 'login.png') })
  })

  it('says so clearly when the password is wrong', async () => {
    await signIn(page, 'ops@demo.maitre', 'not-the-password')
    const error = page.getByTestId('login-error')
    await error.waitFor()
    expect(await error.innerText()).toBe('Email or password is incorrect.')
    // the email stays filled in; the password does not
    expect(await page.getByLabel('Email').inputValue()).toBe('ops@demo.maitre')
    expect(await page.getByLabel('Password').inputValue()).toBe('')
  })

  it('validates the form before asking the engine', async () => {
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Password').fill('')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('#email-error').waitFor()
    expect(await page.locator('#email-error').innerText()).toMatch(/valid email/)
    expect(await page.locator('#password-error').innerText()).toBe('Enter your password')
  })

  it('signs the ops user in and shows the shell with what ops may use', async () => {
    await signIn(page, 'ops@demo.maitre')
    await page.waitForURL(`${server.url}/attempts`)
    expect(await page.getByTestId('current-user').innerText()).toContain('Olivia Ops')
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Attempts')

    const labels = await navLabels(page)
    expect(labels).toEqual(
      expect.arrayContaining([
        'Overview',
        'Latency',
        'Attempts',
        'Reasons',
        'Shadow',
        'Alerts',
        'Manual review',
        'Events',
        'Feature flags',
      ]),
    )
    expect(labels).not.toContain('Users')

    const cookies = await context.cookies()
    const session = cookies.find((cookie) => cookie.name === 'maitre_session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' })

    await page.getByRole('link', { name: 'Overview', exact: true }).click()
    await page.waitForURL(`${server.url}/`)
    expect(Number(await page.getByTestId('restaurant-count').innerText())).toBe(3)
    await page.screenshot({ path: path.join(screenshotDir, 'overview-ops.png'), fullPage: true })
  })

  it('answers 403 for a page the role may not use, inside the shell', async () => {
    const response = await page.goto(`${server.url}/users`)
    expect(response?.status()).toBe(403)
    expect(await page.getByTestId('forbidden').innerText()).toContain('read:user:any')
    expect(await page.getByTestId('current-user').isVisible()).toBe(true)
    await page.screenshot({ path: path.join(screenshotDir, 'forbidden.png') })
  })

  it('shows the 404 page for an unknown URL', async () => {
    const response = await page.goto(`${server.url}/no/such/page`)
    expect(response?.status()).toBe(404)
    expect(await page.getByTestId('not-found').innerText()).toContain('/no/such/page')
    expect(await navLabels(page)).toContain('Overview')
  })

  it('signs out', async () => {
    await page.goto(`${server.url}/`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${server.url}/login`)
    expect((await context.cookies()).find((cookie) => cookie.name === 'maitre_session')).toBeUndefined()
    await page.goto(`${server.url}/percentiles`)
    await page.waitForURL(/\/login\?redirectTo=/)
  })

  it('hydrated every page without errors', () => {
    expect(pageErrors).toEqual([])
  })
})

describe('roles and redirects', () => {
  it('hides dashboards from staff and refuses them with 403', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await signIn(page, 'staff@demo.maitre')
    await page.waitForURL(`${server.url}/`)
    expect(await navLabels(page)).toEqual(['Overview', 'Manual review'])
    const response = await page.goto(`${server.url}/percentiles`)
    expect(response?.status()).toBe(403)
    expect(await page.getByTestId('forbidden').innerText()).toContain('read:dashboard:any')
    const resource = await page.request.get(`${server.url}/resources/percentiles`)
    expect(resource.status()).toBe(403)
    await context.close()
  })

  it('shows the admin every page', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await signIn(page, 'admin@demo.maitre')
    await page.waitForURL(`${server.url}/`)
    expect(await navLabels(page)).toEqual([
      'Overview',
      'Latency',
      'Attempts',
      'Reasons',
      'Shadow',
      'Alerts',
      'Manual review',
      'Events',
      'Feature flags',
      'Users',
    ])
    for (const url of ['/review', '/flags/planner.cache', '/users', '/events']) {
      const response = await page.goto(`${server.url}${url}`)
      expect(response?.status(), url).toBe(200)
    }
    await context.close()
  })

  it('never redirects off-site after sign in', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent('//evil.example/phish')}`)
    await signIn(page, 'engineer@demo.maitre')
    await page.waitForURL(`${server.url}/`)
    await context.close()
  })

  it('works without JavaScript (progressive enhancement)', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${server.url}/login`)
    await signIn(page, 'ops@demo.maitre', 'wrong')
    await page.getByTestId('login-error').waitFor()
    await signIn(page, 'ops@demo.maitre')
    await page.waitForURL(`${server.url}/`)
    expect(await page.getByTestId('current-user').innerText()).toContain('Olivia Ops')
    await context.close()
  })
})
