import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AppLoadContext } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'

// Every route module under app/routes, found on disk, so a route added later is covered without
// anyone remembering to list it here: flat files (`flags.$key.tsx`) and folder routes (`x/route.tsx`).
const routesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../app/routes')
const routeFiles = fs
  .readdirSync(routesDir, { withFileTypes: true })
  .flatMap((entry) => {
    if (entry.isFile() && /\.(ts|tsx)$/.test(entry.name)) return [entry.name]
    if (entry.isDirectory()) {
      const inner = ['route.tsx', 'route.ts'].find((file) => fs.existsSync(path.join(routesDir, entry.name, file)))
      return inner ? [`${entry.name}/${inner}`] : []
    }
    return []
  })
  .sort()

type RouteFunction = (args: { request: Request; params: Record<string, string>; context: AppLoadContext }) => unknown
interface RouteModule {
  loader?: RouteFunction
  action?: RouteFunction
}
const routeId = (file: string) => file.replace(/\/route\.tsx?$/, '').replace(/\.tsx?$/, '')

/**
 * The only modules anyone may use without signing in, and what they do instead:
 * the sign-in page, sign-out (which only ever sends people to /login or home), and the 404 page.
 */
const OPEN_ROUTES: Record<string, string> = {
  login: 'the sign-in page',
  logout: 'signs out and redirects',
  $: 'answers 404 for unknown URLs',
}

// imported up front, so each action gets its own test only where a module has one
const modules: Array<{ file: string; module: RouteModule }> = await Promise.all(
  routeFiles.map(async (file) => ({ file, module: (await import(path.join(routesDir, file))) as RouteModule })),
)
const guarded = modules.filter(({ file }) => !(routeId(file) in OPEN_ROUTES))

/** A URL for the module: `flags.$key` -> /flags/<uuid>, `_index` -> /, `resources.percentiles` -> /resources/percentiles. */
function urlFor(id: string, param: string): string {
  const segments = id
    .split('.')
    .filter((segment) => segment !== '_index' && !segment.startsWith('_'))
    .map((segment) => (segment.startsWith('$') ? param : segment.replace(/_$/, '')))
  return `http://localhost/${segments.join('/')}`
}

function paramsFor(id: string, param: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const segment of id.split('.')) {
    if (segment === '$') params['*'] = 'anything'
    else if (segment.startsWith('$')) params[segment.slice(1)] = param
  }
  return params
}

type Outcome = { status: number; location: string | null }

/** Runs a loader or action and reduces what it returned or threw to a status and a Location. */
async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let value: unknown
  try {
    value = await run()
  } catch (thrown) {
    value = thrown
  }
  if (value instanceof Response) return { status: value.status, location: value.headers.get('Location') }
  // data(body, { status }) from @remix-run/node
  const init = (value as { type?: string; init?: { status?: number } } | null)?.init
  if ((value as { type?: string } | null)?.type === 'DataWithResponseInit') {
    return { status: init?.status ?? 200, location: null }
  }
  if (value instanceof Error) throw value
  return { status: 200, location: null }
}

function expectRefused(outcome: Outcome, what: string) {
  const redirectedToLogin =
    [301, 302, 303, 307, 308].includes(outcome.status) && /^\/login(\?|$)/.test(outcome.location ?? '')
  expect(
    redirectedToLogin || outcome.status === 403,
    `${what} answered ${outcome.status}${outcome.location ? ` -> ${outcome.location}` : ''} without a session`,
  ).toBe(true)
}

describe('route guards: every loader and action refuses a request without a session', () => {
  let engine: TestEngine
  let context: AppLoadContext
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
    context = { engine } as unknown as AppLoadContext
  })
  afterAll(() => engine.dispose())

  it('finds the route modules on disk', () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(10)
    expect(routeFiles).toContain('login.tsx')
    // every open route still exists; a stale allow-list entry would hide nothing but mislead
    for (const id of Object.keys(OPEN_ROUTES)) expect(routeFiles.map(routeId)).toContain(id)
  })

  for (const { file, module } of guarded) {
    const id = routeId(file)
    const param = crypto.randomUUID()
    const url = urlFor(id, param)

    it(`${file}: has a loader, and it redirects to /login or answers 403`, async () => {
      expect(typeof module.loader, `${file} exports no loader: a page must check who is asking`).toBe('function')
      const outcome = await outcomeOf(() =>
        module.loader!({ request: new Request(url), params: paramsFor(id, param), context }),
      )
      expectRefused(outcome, `GET ${url} (${file} loader)`)
    })

    if (typeof module.action === 'function') {
      it(`${file}: its action redirects to /login or answers 403`, async () => {
        const request = new Request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin },
          body: 'intent=anything',
        })
        const outcome = await outcomeOf(() => module.action!({ request, params: paramsFor(id, param), context }))
        expectRefused(outcome, `POST ${url} (${file} action)`)
      })
    }
  }

  it('the open routes do only what the allow-list says', async () => {
    const login = await import(path.join(routesDir, 'login.tsx'))
    expect(
      (await outcomeOf(() => login.loader({ request: new Request('http://localhost/login'), params: {}, context })))
        .status,
    ).toBe(200)
    const logout = await import(path.join(routesDir, 'logout.tsx'))
    const signOut = await outcomeOf(() =>
      logout.action({
        request: new Request('http://localhost/logout', { method: 'POST', headers: { origin: 'http://localhost' } }),
        params: {},
        context,
      }),
    )
    expect([302, 303, 403]).toContain(signOut.status)
    const notFound = await import(path.join(routesDir, '$.tsx'))
    const missing = await outcomeOf(() =>
      notFound.loader({ request: new Request('http://localhost/nope'), params: { '*': 'nope' }, context }),
    )
    expect(missing.status).toBe(404)
  })
})
