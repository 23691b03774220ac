import path from 'node:path'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'
import express, { type RequestHandler } from 'express'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import type { Config } from './config.ts'
import { createEngine, type Engine, type EngineOptions } from './engine.ts'
import { createHttpApp } from './http/app.ts'
import { logUnexpectedError } from './http/log-redaction.ts'
import { closeIdleSockets, type SocketTimeouts } from './http/socket-timeouts.ts'
import { seedDemoIfEmpty } from './sim/demo-seed.ts'
import { simulatorIntervalMs, startSimulator } from './sim/simulator.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const buildDir = path.join(root, 'build')

export interface RunningServer {
  engine: Engine
  url: string
  port: number
  /** the address it is bound to (127.0.0.1, 0.0.0.0, ::) */
  boundHost: string
  stop(): Promise<void>
}

export interface StartOptions extends EngineOptions {
  /** serve pages through Vite's dev middleware instead of the production build */
  dev?: boolean
  /** host to bind; defaults to config.host (127.0.0.1 in demo mode unless HOST is set, else all interfaces) */
  host?: string
  log?: (line: string) => void
  /** demo mode: bookings made right after seeding (default 150) */
  demoBookings?: number
  /** demo mode: ms between simulated bookings afterwards (default from MAITRE_SIMULATOR_BOOKINGS_PER_MINUTE; 0 stops the traffic) */
  simulatorIntervalMs?: number
  /** how long a connection may sit without a request or bytes (tests shorten them) */
  socketTimeouts?: Partial<SocketTimeouts>
  /** serve the API and health check only, no pages (tools and process tests: no build needed) */
  apiOnly?: boolean
}

async function pagesHandler(
  engine: Engine,
  dev: boolean,
): Promise<{ pages: RequestHandler; beforePages: RequestHandler[] }> {
  const getLoadContext = (req: express.Request, res: express.Response) => ({
    engine,
    clientIp: req.ip,
    cspNonce: res.locals.cspNonce as string | undefined,
    reportError: (error: unknown) => logUnexpectedError('pages', error),
  })
  if (dev) {
    const vite = await import('vite')
    const viteServer = await vite.createServer({ root, server: { middlewareMode: true } })
    return {
      beforePages: [viteServer.middlewares as unknown as RequestHandler],
      pages: createRequestHandler({
        build: () => viteServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>,
        getLoadContext,
      }),
    }
  }
  const serverEntry = path.join(buildDir, 'server/index.js')
  if (!fs.existsSync(serverEntry)) {
    throw new Error(`No production build at ${serverEntry}. Run "npm run build" (npm start does it for you).`)
  }
  const build = (await import(pathToFileURL(serverEntry).href)) as ServerBuild
  return {
    beforePages: [
      express.static(path.join(buildDir, 'client/assets'), {
        immutable: true,
        maxAge: '1y',
        index: false,
      }) as RequestHandler,
      express.static(path.join(buildDir, 'client'), { maxAge: '1h', index: false }) as RequestHandler,
    ].map((handler, index) => (index === 0 ? prefix('/assets', handler) : handler)),
    pages: createRequestHandler({ build, getLoadContext, mode: 'production' }),
  }
}

/** in-flight requests get this long at shutdown; the jobs' drain follows (engine.close) */
const REQUEST_DRAIN_MS = 4_000

/**
 * Waits for the requests in flight, closing each keep-alive connection as its request ends; after
 * `timeoutMs` the remaining connections are cut so that the shutdown stays bounded.
 */
async function drainRequests(server: http.Server, closed: Promise<void>, timeoutMs: number): Promise<void> {
  // a request that ends during the drain must not leave its connection open for the next one
  const closeAfterResponse = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Connection', 'close')
  }
  server.on('request', closeAfterResponse)
  const idle = setInterval(() => server.closeIdleConnections(), 100)
  let timer: NodeJS.Timeout | undefined
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
  clearInterval(idle)
  clearTimeout(timer)
  server.closeAllConnections()
  server.off('request', closeAfterResponse)
}

function prefix(mountPath: string, handler: RequestHandler): RequestHandler {
  const router = express.Router()
  router.use(mountPath, handler)
  return router as unknown as RequestHandler
}

/** Creates the engine, seeds demo data when asked, and serves API and pages on config.port. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line))
  const engine = await createEngine(config, options)
  try {
    let simulator: Awaited<ReturnType<typeof startSimulator>> | undefined
    const seeded = config.demo ? await seedDemoIfEmpty(engine, log) : false
    if (config.simulator.enabled) {
      simulator = await startSimulator(engine, {
        initialBookings: seeded ? (options.demoBookings ?? 150) : 0,
        intervalMs: options.simulatorIntervalMs ?? simulatorIntervalMs(config.simulator.bookingsPerMinute),
        cancelShare: config.simulator.cancelShare,
        log,
      })
    }
    const pageHandlers = options.apiOnly ? undefined : await pagesHandler(engine, options.dev ?? false)
    const app = createHttpApp(engine, {
      ...(pageHandlers ? { pages: pageHandlers.pages, beforePages: pageHandlers.beforePages } : {}),
      devServer: options.dev ?? false,
    })
    const server = http.createServer(app)
    closeIdleSockets(server, options.socketTimeouts)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, options.host ?? config.host, () => resolve())
    })
    const { port, address: boundHost } = server.address() as AddressInfo
    const url = `http://localhost:${port}`
    let stopping: Promise<void> | undefined
    return {
      engine,
      url,
      port,
      boundHost,
      stop() {
        stopping ??= (async () => {
          // no new connections; idle keep-alive ones close now, busy ones after their request
          const closed = new Promise<void>((resolve) => server.close(() => resolve()))
          server.closeIdleConnections()
          await simulator?.stop()
          await drainRequests(server, closed, REQUEST_DRAIN_MS)
          await engine.close()
        })()
        return stopping
      },
    }
  } catch (error) {
    await engine.close()
    throw error
  }
}
