import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeLatestSimulation } from '../../server/quality/latest-simulation.ts'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'

let server: E2eServer
let browser: Browser
let page: Page
let pageErrors: string[]

beforeAll(async () => {
  server = await startE2eServer()
  browser = await launchBrowser()
  page = await (await browser.newContext({ viewport: { width: 1024, height: 1200 } })).newPage()
  pageErrors = watchForPageErrors(page)
  await page.goto(`${server.url}/login?redirectTo=${encodeURIComponent('/')}`)
  await page.getByLabel('Email').fill('ops@demo.maitre')
  await page.getByLabel('Password').fill('demo-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${server.url}/`)
})

afterAll(async () => {
  await browser?.close()
  await server?.dispose()
})

describe('overview: Assignment quality (latest simulation)', () => {
  it('says how to publish one until a simulation is published, then shows its numbers', async () => {
    const panel = page.getByTestId('overview-quality')
    expect(await panel.innerText()).toContain('Assignment quality (latest simulation)')
    expect(await page.getByTestId('quality-none').innerText()).toContain('npm run simulate -- --reseat --publish')

    // what `npm run simulate -- --publish` writes into the server's DATA_DIR
    writeLatestSimulation(server.engine.config.dataDir, {
      at: new Date('2026-12-01T11:00:00Z'),
      title: 'evening floor, peak evenings, re-seating on',
      reseat: true,
      summary: {
        evenings: 20,
        medianShareOfFirstCome: 0.995,
        worstShareOfFirstCome: 0.9333,
        medianShareOfHindsight: 0.84,
        worstShareOfHindsight: 0.77,
        reseatedBookings: 90,
        inlineP95Ms: 12,
        reseatInlineP95Ms: 30,
      },
    })
    await page.reload()
    expect(await page.getByTestId('quality-date').innerText()).toBe('1 Dec 2026')
    expect(await page.getByTestId('quality-evenings').innerText()).toContain('20')
    expect(await page.getByTestId('quality-first-come').innerText()).toBe('99.5% median, 93.3% worst')
    expect(await page.getByTestId('quality-hindsight').innerText()).toBe('84.0% median')
    expect(pageErrors).toEqual([])
  })
})
