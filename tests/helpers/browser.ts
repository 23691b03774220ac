import { execSync } from 'node:child_process'
import fs from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'
const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium'

/** Debian's Chromium, installed on demand when running as root. */
function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM_PATH)) return
  if (process.getuid?.() === 0) {
    execSync(INSTALL_COMMAND, { stdio: 'inherit' })
    if (fs.existsSync(CHROMIUM_PATH)) return
  }
  throw new Error(INSTALL_COMMAND)
}

/** Headless Debian Chromium driven by playwright-core (no downloaded browser builds). */
export async function launchBrowser(): Promise<Browser> {
  ensureChromium()
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/** Collects uncaught page errors and console errors (hydration mismatches show up here). */
export function watchForPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    // the browser logs every non-2xx document load; those statuses are asserted by the tests
    if (/Failed to load resource: the server responded with a status of (400|403|404)/.test(text)) return
    errors.push(`console: ${text}`)
  })
  return errors
}
