import http from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { requestLog } from '../../server/http/request-log.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'
import { smallFloor } from '../helpers/floors.ts'

const inTwoDays = () => new Date(Date.now() + 48 * 3_600_000).toISOString()
const guest = { name: 'Ada Lovelace', email: 'ada.lovelace@example.com', phone: '+44 20 7946 0000' }

/** Lines the request log wrote to stdout while `run` ran. */
async function captureStdout(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean))
    return true
  })
  try {
    await run()
    // the line is written on 'finish', which may land just after the client has its answer
    await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    spy.mockRestore()
  }
  return lines
}

describe('request log, as mounted in the HTTP app', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ LOG_LEVEL: 'info' })
    api = await serveApi(engine)
    expect((await api.request('PUT', '/api/restaurants/bistro', smallFloor())).status).toBe(200)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('writes one line per API request with method, route, status, duration and booking id, and no guest data', async () => {
    let bookingId = ''
    const lines = await captureStdout(async () => {
      const created = await api.request('POST', '/api/bookings', {
        restaurant: 'bistro',
        startAt: inTwoDays(),
        partySize: 2,
        guest,
      })
      expect(created.status).toBe(201)
      bookingId = created.body.booking.id
      expect((await api.request('GET', `/api/bookings/${bookingId}`)).status).toBe(200)
      expect((await api.request('POST', `/api/bookings/${bookingId}/cancel`)).status).toBe(200)
    })
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(new RegExp(`^POST /api/bookings 201 [0-9.]+ms booking=${bookingId}$`))
    expect(lines[1]).toMatch(new RegExp(`^GET /api/bookings/:id 200 [0-9.]+ms booking=${bookingId}$`))
    expect(lines[2]).toMatch(new RegExp(`^POST /api/bookings/:id/cancel 200 [0-9.]+ms booking=${bookingId}$`))
    for (const personal of ['Ada', 'Lovelace', 'ada.lovelace', '7946']) expect(lines.join('\n')).not.toContain(personal)
  })

  it('names the route of a failed request (not the router it fell back to) and never prints the query', async () => {
    const lines = await captureStdout(async () => {
      expect((await api.request('POST', '/api/bookings', { restaurant: 'bistro', guest })).status).toBe(400)
      expect((await api.request('GET', '/api/bookings?restaurant=bistro&status=nonsense')).status).toBe(400)
      expect((await api.request('GET', '/api/nothing-here')).status).toBe(404)
    })
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^POST \/api\/bookings 400 [0-9.]+ms$/)
    expect(lines[1]).toMatch(/^GET \/api\/bookings 400 [0-9.]+ms$/)
    expect(lines[2]).toMatch(/^GET unmatched 404 [0-9.]+ms$/)
    expect(lines.join('\n')).not.toContain('nonsense')
  })

  it('stays quiet for /healthz, /metrics and assets', async () => {
    const lines = await captureStdout(async () => {
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200)
      await fetch(`${api.url}/metrics`)
      await fetch(`${api.url}/assets/entry.client-abc.js`)
    })
    expect(lines).toEqual([])
  })
})

describe('request log under NODE_ENV=production', () => {
  it('writes JSON lines from the mounted app', async () => {
    const engine = await createTestEngine({
      NODE_ENV: 'production',
      MAITRE_DEMO: '0',
      MAITRE_API_TOKEN: 'a-production-token-for-this-test',
      SESSION_SECRET: 'a-production-session-secret-0123456789abcdef',
    })
    const api = await serveApi(engine)
    try {
      const lines = await captureStdout(async () => {
        expect((await api.request('GET', '/api/restaurants')).status).toBe(200)
      })
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0]!)).toMatchObject({
        msg: 'request',
        method: 'GET',
        route: '/api/restaurants',
        status: 200,
      })
    } finally {
      await api.close()
      await engine.dispose()
    }
  })
})

describe('request log levels and formats', () => {
  async function serve(level: 'debug' | 'info' | 'warn' | 'silent', json: boolean) {
    const lines: string[] = []
    const app = express()
    app.use(requestLog({ level, json, write: (line) => lines.push(line) }))
    const api = express.Router()
    api.get('/bookings/:id', (req, res) => res.json({ booking: { id: req.params.id } }))
    api.get('/boom', () => {
      throw new Error('boom')
    })
    api.use(((_error, _req, res, _next) => res.status(500).json({ error: {} })) as express.ErrorRequestHandler)
    app.use('/api', api)
    app.get('/review', (_req, res) => res.send('page'))
    const server = http.createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const hit = async (path: string) => {
      await (await fetch(url + path)).text()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return { lines, hit, close: () => new Promise((resolve) => server.close(resolve)) }
  }
  const id = '0b6e2f6c-6a0e-4c58-9d7e-3f1d2c4b5a69'

  it('writes JSON lines (production) with the same fields', async () => {
    const served = await serve('info', true)
    await served.hit(`/api/bookings/${id}`)
    await served.close()
    expect(served.lines).toHaveLength(1)
    const line = JSON.parse(served.lines[0]!)
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/bookings/:id',
      status: 200,
      bookingId: id,
    })
    expect(typeof line.durationMs).toBe('number')
    expect(new Date(line.time).getTime()).toBeGreaterThan(0)
  })

  it('LOG_LEVEL=warn keeps only failures; debug adds pages but not probes or assets; silent writes nothing', async () => {
    const warn = await serve('warn', false)
    await warn.hit(`/api/bookings/${id}`)
    await warn.hit('/api/boom')
    await warn.hit('/review')
    await warn.close()
    expect(warn.lines).toHaveLength(1)
    expect(warn.lines[0]).toMatch(/^GET \/api\/boom 500 /)

    const debug = await serve('debug', false)
    // even at debug: probes and assets never log
    await debug.hit('/healthz')
    await debug.hit('/assets/entry.client-abc123.js')
    await debug.hit('/favicon.ico')
    await debug.hit('/review')
    await debug.hit(`/api/bookings/${id}`)
    await debug.close()
    expect(debug.lines.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      'GET /review 200',
      'GET /api/bookings/:id 200',
    ])

    const silent = await serve('silent', false)
    await silent.hit('/api/boom')
    await silent.close()
    expect(silent.lines).toEqual([])
  })
})
