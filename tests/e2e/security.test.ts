import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, watchForPageErrors } from '../helpers/browser.ts'
import { startE2eServer, type E2eServer } from '../helpers/e2e-server.ts'

const PASSWORD = 'demo-password'
const EVIL = 'https://evil.example'

// The real server (production build, demo mode) over HTTP: what a browser or an attacker sends.
let server: E2eServer
beforeAll(async () => {
  server = await startE2eServer()
})
afterAll(async () => {
  await server?.dispose()
})

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function post(path: string, body: string | undefined, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { method: 'POST', body, headers, redirect: 'manual' })
}

/** signs in with the form as a browser on our own origin would; returns the session cookie */
async function signIn(email: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await post('/login', form({ email, password: PASSWORD }), {
    ...FORM,
    origin: server.url,
    'sec-fetch-site': 'same-origin',
    ...extra,
  })
  expect(response.status).toBe(302)
  const cookie = response.headers.get('set-cookie')
  expect(cookie).toMatch(/^maitre_session=/)
  return cookie!.split(';')[0]!
}

async function isSignedIn(cookie: string): Promise<boolean> {
  const response = await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })
  return response.status === 200
}

describe('open redirects', () => {
  it('never sends anyone to another host after signing in, or in one click when signed in', async () => {
    const target = '/..//evil.example/phish'
    const afterLogin = await post(
      '/login',
      form({ email: 'ops@demo.maitre', password: PASSWORD, redirectTo: target }),
      {
        ...FORM,
        origin: server.url,
      },
    )
    expect(afterLogin.status).toBe(302)
    expect(afterLogin.headers.get('location')).toBe('/')
    const cookie = afterLogin.headers.get('set-cookie')!.split(';')[0]!
    const oneClick = await fetch(`${server.url}/login?redirectTo=${encodeURIComponent(target)}`, {
      headers: { cookie },
      redirect: 'manual',
    })
    expect(oneClick.status).toBe(302)
    expect(oneClick.headers.get('location')).toBe('/')
  })
})

describe('cross-site requests (CSRF) are refused with 403 on every mutating page route', () => {
  it.each([
    ['a foreign Origin on the legacy data request', '/login?_data=routes%2Flogin', { origin: EVIL }],
    ['a foreign Origin on the document POST', '/login', { origin: EVIL }],
    ['Sec-Fetch-Site: cross-site on single fetch', '/login.data', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', '/login', { 'sec-fetch-site': 'same-site' }],
    ['Origin: null (a sandboxed frame)', '/login', { origin: 'null' }],
  ])('login CSRF with %s sets no session', async (_what, path, headers) => {
    const response = await post(path, form({ email: 'admin@demo.maitre', password: PASSWORD }), { ...FORM, ...headers })
    expect(response.status).toBe(403)
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(await response.text()).toMatch(/Refused: this POST came from another site/)
  })

  it('refuses a cross-site sign-out, resource-route and unknown-route POST; the session survives', async () => {
    const cookie = await signIn('engineer@demo.maitre')
    for (const path of ['/logout', '/resources/percentiles', '/flags/some-flag', '/no-such-page']) {
      const response = await post(path, form({ scope: 'everywhere' }), { ...FORM, cookie, origin: EVIL })
      expect(response.status, path).toBe(403)
    }
    expect(await isSignedIn(cookie)).toBe(true)
  })

  it('lets our own pages post (same Origin, or Sec-Fetch-Site: same-origin)', async () => {
    const byOrigin = await post('/login', form({ email: 'ops@demo.maitre', password: PASSWORD }), {
      ...FORM,
      origin: server.url,
    })
    expect(byOrigin.status).toBe(302)
    const bySite = await post('/login.data', form({ email: 'ops@demo.maitre', password: PASSWORD }), {
      ...FORM,
      'sec-fetch-site': 'same-origin',
    })
    expect(bySite.status).toBe(202)
  })
})

describe('bad input to pages answers 4xx, never 500', () => {
  it.each([
    ['JSON', JSON.stringify({ email: 'ops@demo.maitre', password: PASSWORD }), { 'content-type': 'application/json' }],
    ['plain text', 'email=ops@demo.maitre', { 'content-type': 'text/plain' }],
    ['an empty body', undefined, {}],
    ['a broken multipart body', '--x\r\nnonsense', { 'content-type': 'multipart/form-data; boundary=x' }],
  ])('POST /login with %s is a 400 with a message', async (_what, body, headers) => {
    const response = await post('/login', body, { origin: server.url, ...headers })
    expect(response.status).toBe(400)
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(await response.text()).toContain('Send the sign-in form as form fields')
  })

  it.each(['/login?_data=routes%2Flogin', '/?_data=root', '/percentiles?_data=routes%2Fnope'])(
    'a legacy %s request is a 400 naming single fetch',
    async (path) => {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' })
      expect(response.status).toBe(400)
      expect(await response.text()).toContain('single fetch')
    },
  )

  it('a NUL byte in a sign-in field is a 400, not a 500', async () => {
    const response = await post('/login', form({ email: 'ops@demo.maitre', password: 'demo\u0000password' }), {
      ...FORM,
      origin: server.url,
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('a NUL byte in a page URL is a 400', async () => {
    const response = await fetch(`${server.url}/events?type=booking%00`, { redirect: 'manual' })
    expect(response.status).toBe(400)
  })
})

describe('login throttling over HTTP', () => {
  it('answers 429 with Retry-After and a clear message after 5 wrong passwords, even for the right one', async () => {
    const client = { ...FORM, origin: server.url, 'x-forwarded-for': '198.51.100.23' }
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await post('/login', form({ email: 'staff@demo.maitre', password: 'guess' }), client)
      expect(wrong.status).toBe(400)
    }
    const right = await post('/login', form({ email: 'staff@demo.maitre', password: PASSWORD }), client)
    expect(right.status).toBe(429)
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(800)
    expect(right.headers.get('set-cookie')).toBeNull()
    expect(await right.text()).toContain('Too many failed sign-ins for this account. Try again in 15 minutes')
  })
})

describe('sessions', () => {
  it('rotates the session at sign-in: the cookie presented before no longer works', async () => {
    const first = await signIn('ops@demo.maitre')
    const second = await signIn('ops@demo.maitre', { cookie: first })
    expect(second).not.toBe(first)
    expect(await isSignedIn(first)).toBe(false)
    expect(await isSignedIn(second)).toBe(true)
  })

  it('"Sign out everywhere" ends the sessions in every browser', async () => {
    const laptop = await signIn('admin@demo.maitre')
    const phone = await signIn('admin@demo.maitre')
    const response = await post('/logout', form({ scope: 'everywhere' }), {
      ...FORM,
      cookie: laptop,
      origin: server.url,
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login')
    expect(await isSignedIn(laptop)).toBe(false)
    expect(await isSignedIn(phone)).toBe(false)
  })

  it('the shell offers "Sign out everywhere" (End all sessions)', async () => {
    const cookie = await signIn('ops@demo.maitre')
    const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text()
    expect(html).toMatch(/<input type="hidden" name="scope" value="everywhere"\/>/)
    expect(html).toContain('End all sessions')
  })
})

describe('security headers', () => {
  it('pages carry a nonce CSP, frame-ancestors, nosniff and a referrer policy; every script has the nonce', async () => {
    const response = await fetch(`${server.url}/login`)
    expect(response.status).toBe(200)
    const csp = response.headers.get('content-security-policy') ?? ''
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain("unsafe-inline' 'nonce")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('same-origin')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    // NODE_ENV=test: no HSTS (tests/integration/security-headers.test.ts covers production)
    expect(response.headers.get('strict-transport-security')).toBeNull()
    const html = await response.text()
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
    const again = await fetch(`${server.url}/login`)
    expect(again.headers.get('content-security-policy')).not.toContain(nonce!)
  })

  it('the pages still hydrate and sign in with the policy in force (no CSP violation in a real browser)', async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage()
      const errors = watchForPageErrors(page)
      const violations: string[] = []
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
      })
      await page.goto(`${server.url}/login`)
      await page.getByLabel('Email').fill('ops@demo.maitre')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      const nav = page.getByRole('navigation', { name: 'Main' })
      await nav.waitFor()
      // a client-side navigation works only if the scripts ran
      await nav.getByRole('link', { name: 'Attempts' }).click()
      await page.waitForURL(/\/attempts$/)
      expect(violations).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  })
})

describe('idle sockets', () => {
  it('closes connections that never send a byte', async () => {
    const quick = await startE2eServer({ socketTimeouts: { idleMs: 1_000, headersMs: 1_000, requestMs: 2_000 } })
    try {
      const sockets = await Promise.all(
        Array.from(
          { length: 50 },
          () =>
            new Promise<net.Socket>((resolve, reject) => {
              const socket = net.connect(quick.port, '127.0.0.1', () => resolve(socket))
              socket.on('error', reject)
            }),
        ),
      )
      const closedWithin = await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), 5_000)
              socket.on('close', () => {
                clearTimeout(timer)
                resolve(true)
              })
            }),
        ),
      )
      expect(closedWithin.filter(Boolean)).toHaveLength(50)
      for (const socket of sockets) socket.destroy()
    } finally {
      await quick.dispose()
    }
  })
})
