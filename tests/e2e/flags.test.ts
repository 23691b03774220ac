import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'

const screenshotDir = path.resolve('tmp/e2e')

let server: E2eServer
let browser: Browser
let engineer: BrowserContext
let page: Page
let pageErrors: string[]

async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const signedIn = await context.newPage()
  await signedIn.goto(`${server.url}/login`)
  await signedIn.getByLabel('Email').fill(email)
  await signedIn.getByLabel('Password').fill('demo-password')
  await signedIn.getByRole('button', { name: 'Sign in' }).click()
  await signedIn.waitForURL((url) => !url.pathname.startsWith('/login'))
  return signedIn
}

beforeAll(async () => {
  server = await startE2eServer()
  fs.mkdirSync(screenshotDir, { recursive: true })
  browser = await launchBrowser()
  engineer = await browser.newContext({ viewport: { width: 1366, height: 1000 } })
  page = await signIn(engineer, 'engineer@demo.maitre')
  pageErrors = watchForPageErrors(page)
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

const globalRule = () =>
  server.engine.flags.rules().find((row) => row.flagKey === 'planner.profiling' && row.restaurantId === null)

describe('flag pages as an engineer', () => {
  it('lists every flag with its realised share and kill switch', async () => {
    await page.goto(`${server.url}/flags`)
    const row = page.locator('tr[data-flag="assignment.reseat"]')
    await row.waitFor()
    const restaurants = (await server.engine.restaurants.list()).length
    expect(await row.getByTestId('realised-share').innerText()).toContain(`0 of ${restaurants} restaurants = 0%`)
    expect(await page.locator('tr[data-flag]').count()).toBe(server.engine.flags.definitions.length)
    await page.screenshot({ path: path.join(screenshotDir, 'flags.png'), fullPage: true })
  })

  it('previews who is in, then saves the global rule with a reason', async () => {
    await page.goto(`${server.url}/flags/planner.profiling`)
    await page.locator('#percent').fill('40')
    expect(await page.getByTestId('percent-output').innerText()).toBe('40%')
    await page.getByRole('button', { name: 'Preview who is in' }).click()
    await page.getByTestId('preview-summary').waitFor()
    const restaurants = await server.engine.restaurants.list()
    // the page shows what the engine's preview says for 40 %, and the restaurants in are the buckets <= 40
    const expected = await server.engine.flagControl.preview('planner.profiling', 'global', {
      enabled: true,
      rolloutPercent: 40,
    })
    expect(expected.on).toBe(expected.restaurants!.filter((r) => r.in).length)
    expect(await page.getByTestId('preview-summary').innerText()).toContain(
      `${expected.on} of ${restaurants.length} restaurants would be in`,
    )
    expect(globalRule()).toBeUndefined() // a preview writes nothing

    await page.locator('#comment').fill('profile 40% of restaurants for the planner study')
    await page.getByRole('button', { name: 'Save rule' }).click()
    await page.waitForURL(/saved=global/)
    // the saved page may still be rendering when its URL is in place (seen once in CI, under load)
    await page.getByTestId('global-rule').filter({ hasText: 'on for 40% of restaurants' }).waitFor({ timeout: 5_000 })
    expect(await page.getByTestId('global-rule').innerText()).toContain('on for 40% of restaurants')
    expect(globalRule()).toMatchObject({ enabled: true, rolloutPercent: 40, updatedBy: 'user:engineer@demo.maitre' })
    const audit = page.getByTestId('audit-history')
    expect(await audit.innerText()).toContain('profile 40% of restaurants for the planner study')
    expect(await audit.innerText()).toContain('user:engineer@demo.maitre')
  })

  it('refuses a change without a reason and says why', async () => {
    await page.goto(`${server.url}/flags/planner.profiling`)
    await page.locator('#percent').fill('90')
    await page.getByRole('button', { name: 'Save rule' }).click()
    await page.getByTestId('form-error').waitFor()
    expect(await page.getByTestId('form-error').innerText()).toMatch(/Say why/)
    expect(globalRule()).toMatchObject({ rolloutPercent: 40 })
  })

  it('starts a ramp, pauses it, resumes it and rolls it back', async () => {
    await page.goto(`${server.url}/flags/planner.profiling`)
    const form = page.getByTestId('custom-ramp-form')
    await form.locator('#percents').fill('10, 50, 100')
    await form.locator('#holdMinutes').fill('120')
    await form.locator('#ramp-comment').fill('staged profiling')
    await form.getByRole('button', { name: 'Start ramp' }).click()
    await page.waitForURL(/\/ramps\/[0-9a-f-]{36}$/)
    expect(await page.getByTestId('ramp-state').innerText()).toBe('running')
    expect(await page.getByTestId('next-step').innerText()).toMatch(/advances to stage 2 \(50%\)/)
    expect(globalRule()).toMatchObject({ rolloutPercent: 10 })

    await page.getByRole('button', { name: 'Pause' }).click()
    await page.getByRole('button', { name: 'Resume' }).waitFor()
    expect(await page.getByTestId('ramp-state').innerText()).toBe('paused')
    await page.getByRole('button', { name: 'Resume' }).click()
    await page.getByRole('button', { name: 'Pause' }).waitFor()
    expect(await page.getByTestId('ramp-state').innerText()).toBe('running')

    await page.locator('#comment').fill('inline latency moved; stop')
    await page.getByRole('button', { name: 'Roll back' }).click()
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ramp-state"]')?.textContent === 'rolled back',
    )
    expect(globalRule()).toMatchObject({ rolloutPercent: 0 })
    const timeline = await page.getByTestId('timeline').innerText()
    expect(timeline).toContain('running → paused')
    expect(timeline).toContain('inline latency moved; stop')
    await page.screenshot({ path: path.join(screenshotDir, 'ramp.png'), fullPage: true })
    expect(pageErrors).toEqual([])
  })
})

describe('flag pages without JavaScript, and guardrail charts', () => {
  it('previews and saves a restaurant rule with plain form posts', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await engineer.storageState() })
    const plain = await noJs.newPage()
    const [restaurant] = await server.engine.restaurants.list()
    await plain.goto(`${server.url}/flags/assignment.reseat?scope=${restaurant!.slug}`)
    await plain.locator('#percent').fill('25')
    await plain.getByRole('button', { name: 'Preview who is in' }).click()
    await plain.getByTestId('preview-summary').waitFor()
    expect(await plain.getByTestId('preview-summary').innerText()).toContain("25% of this restaurant's bookings")
    await plain.locator('#comment').fill('a quarter of the bookings, no script')
    await plain.getByRole('button', { name: 'Save rule' }).click()
    await plain.waitForURL(/saved=/)
    const rule = server.engine.flags
      .rules()
      .find((r) => r.flagKey === 'assignment.reseat' && r.restaurantId === restaurant!.id)
    expect(rule).toMatchObject({ enabled: true, rolloutPercent: 25 })
    expect(await plain.locator(`tr[data-restaurant="${restaurant!.slug}"]`).innerText()).toContain(
      'on for 25% of bookings',
    )
    await noJs.close()
  })

  it("draws each guardrail's readings against its limit", async () => {
    const ramp = await server.engine.flagControl.createRamp(
      'assignment.pipeline_v3_shadow',
      {
        stages: [{ percent: 10, holdMinutes: 60 }],
        guardrails: [{ metric: 'job_success_rate', comparator: 'gte', threshold: 50 }],
        comment: 'chart',
      },
      'user:engineer@demo.maitre',
    )
    expect(await server.engine.scheduler.runNow('flags.ramps')).toBe(true)
    await page.goto(`${server.url}/ramps/${ramp.id}`)
    await page.locator('[data-testid="guardrail-charts"] svg.recharts-surface').first().waitFor()
    expect(await page.getByTestId('readings').innerText()).toContain('job_success_rate')
    expect(await page.getByTestId('guardrails').innerText()).toMatch(/job_success_rate[\s\S]*≥ 50/)
  })
})

describe('ops and staff cannot change flags', () => {
  it('ops read the flags but get 403 on every action; staff cannot even read them', async () => {
    const ops = await browser.newContext()
    const opsPage = await signIn(ops, 'ops@demo.maitre')
    await opsPage.goto(`${server.url}/flags/planner.profiling`)
    expect(await opsPage.getByTestId('rule-form').count()).toBe(0)
    const ramp = (await server.engine.flagControl.rampsOf('planner.profiling'))[0]!
    const attempts = [
      opsPage.request.post(`${server.url}/flags/planner.profiling`, {
        form: { intent: 'set-rule', scope: 'global', enabled: 'on', percent: '100', comment: 'ops wants it' },
      }),
      opsPage.request.post(`${server.url}/flags/planner.profiling`, {
        form: { intent: 'start-ramp', percents: '10', comment: 'ops ramps' },
      }),
      opsPage.request.post(`${server.url}/ramps/${ramp.id}`, { form: { intent: 'rollback', comment: 'x' } }),
    ]
    for (const response of await Promise.all(attempts)) expect(response.status()).toBe(403)

    const staff = await browser.newContext()
    const staffPage = await signIn(staff, 'staff@demo.maitre')
    expect((await staffPage.goto(`${server.url}/flags`))!.status()).toBe(403)
    const staffPost = await staffPage.request.post(`${server.url}/flags/planner.profiling`, {
      form: { intent: 'delete-rule', scope: 'global', comment: 'staff' },
    })
    expect(staffPost.status()).toBe(403)
    expect(globalRule()).toMatchObject({ rolloutPercent: 0 })
    await ops.close()
    await staff.close()
  })
})
