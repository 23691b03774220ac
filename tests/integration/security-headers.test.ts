import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { serveApi, type TestApi } from '../helpers/http.ts'

describe('security headers in production', () => {
  let engine: TestEngine
  let api: TestApi
  beforeAll(async () => {
    engine = await createTestEngine({ NODE_ENV: 'production' }, { workers: false })
    api = await serveApi(engine)
  })
  afterAll(async () => {
    await api.close()
    await engine.dispose()
  })

  it('adds HSTS and the API policy to every response, errors included', async () => {
    for (const path of ['/healthz', '/api/nowhere', '/metrics']) {
      const response = await fetch(`${api.url}${path}`)
      expect(response.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains')
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    }
    const apiResponse = await fetch(`${api.url}/api/nowhere`)
    expect(apiResponse.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
  })
})
