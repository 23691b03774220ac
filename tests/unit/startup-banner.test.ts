import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { startupBanner } from '../../server/startup/banner.ts'

const base = { DATA_DIR: './tmp/banner-test' }

describe('start-up banner', () => {
  it('in demo mode: URL, loopback binding with the HOST hint, logins, demo token, database and simulator', () => {
    const config = loadConfig({ ...base })
    const banner = startupBanner(config, { url: 'http://localhost:3000', boundHost: '127.0.0.1' })
    expect(banner).toContain('http://localhost:3000')
    expect(banner).toMatch(/127\.0\.0\.1 only .*HOST=0\.0\.0\.0/)
    expect(banner).toContain('ops@demo.maitre, staff@demo.maitre, engineer@demo.maitre, admin@demo.maitre')
    expect(banner).toContain('demo-password')
    expect(banner).toContain('dev-token (demo)')
    expect(banner).toMatch(/PGlite in .*banner-test/)
    expect(banner).toMatch(/simulator on: 20 bookings\/min .* 10% cancellations \(MAITRE_SIMULATOR=0/)
  })

  it('outside demo mode: no logins, no token printed, Postgres, every interface', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgres://u@db.internal/maitre',
      MAITRE_API_TOKEN: 'a-secret-token-of-some-length',
    })
    const banner = startupBanner(config, { url: 'http://localhost:3000', boundHost: '::' })
    expect(banner).not.toContain('demo.maitre')
    expect(banner).not.toContain('a-secret-token-of-some-length')
    expect(banner).not.toContain('db.internal')
    expect(banner).toContain('PostgreSQL (DATABASE_URL)')
    expect(banner).toContain('every interface')
    expect(banner).toContain('simulator off')
  })
})
