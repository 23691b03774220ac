import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Engine } from '../../server/engine.ts'
import { createHttpApp } from '../../server/http/app.ts'

export interface TestApi {
  url: string
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>
  close(): Promise<void>
}

/** Serves the engine's HTTP app (API only, no pages) on an ephemeral loopback port. */
export async function serveApi(engine: Engine): Promise<TestApi> {
  const server = http.createServer(createHttpApp(engine))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    async request(method, path, body, headers = {}) {
      const response = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${engine.config.apiToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // non-JSON bodies (metrics) stay text
      }
      return { status: response.status, body: parsed }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
