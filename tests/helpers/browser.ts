import { execSync } from 'node:child_process'
import fs from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'
const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium'

/**
 * Debian's Chromium, installed on demand when running as root: announced in one line first, so
 * nobody wonders why a test run is installing packages. Otherwise the error is the command to run.
 */
export function ensureChromium(
  options: { path?: string; isRoot?: boolean; install?: () => void; say?: (line: string) => void } = {},
): void {
  const chromiumPath = options.path ?? CHROMIUM_PATH
  if (fs.existsSync(chromiumPath)) return
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`))
  const isRoot = options.isRoot ?? process.getuid?.() === 0
  if (isRoot) {
    say(`The browser tests need Chromium at ${chromiumPath}; installing Debian's package now: ${INSTALL_COMMAND}`)
    try {
      ;(options.install ?? (() => execSync(INSTALL_COMMAND, { stdio: 'inherit' })))()
    } catch {
      // reported below with the command to run by hand
    }
    if (fs.existsSync(chromiumPath)) return
    throw new Error(`Installing Chromium failed; run this and try again: ${INSTALL_COMMAND}`)
  }
  throw new Error(
    `The browser tests need Chromium at ${chromiumPath}. Install it as root, then run the tests again: sudo sh -c '${INSTALL_COMMAND}'`,
  )
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
