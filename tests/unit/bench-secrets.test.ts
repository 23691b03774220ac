import { describe, expect, it } from 'vitest'
import { BENCH_SESSION_SECRET } from '../../bench/bench-secrets.ts'
import { loadConfig } from '../../server/config.ts'

describe('benchmark configuration', () => {
  it('the benches’ session secret passes the config check (a short one stopped every bench at start)', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      MAITRE_DEMO: '0',
      SESSION_SECRET: BENCH_SESSION_SECRET,
      MAITRE_API_TOKEN: 'bench-token-123',
    })
    expect(config.sessionSecret).toBe(BENCH_SESSION_SECRET)
  })
})
