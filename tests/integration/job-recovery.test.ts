import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { createEngine, type Engine, type EngineOptions } from '../../server/engine.ts'
import { createFreshDatabaseUrl } from '../helpers/test-database.ts'
import { waitFor } from '../helpers/wait.ts'

const floor = {
  name: 'One Table',
  timezone: 'UTC',
  zones: [{ key: 'main', name: 'Main' }],
  tables: [{ key: 'T1', zone: 'main', capacity: 2 }],
  adjacency: [],
}

describe(`a job whose process is killed is delivered again and finishes (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-recovery-'))
  let fresh: Awaited<ReturnType<typeof createFreshDatabaseUrl>>
  let engine: Engine | undefined
  afterAll(async () => {
    await engine?.close()
    await fresh?.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const env = () => ({
    NODE_ENV: 'test',
    MAITRE_DEMO: '0',
    SESSION_SECRET: 'recovery-test-secret-0123456789abcdef',
    DATA_DIR: dataDir,
    FEATURE_AUTO_ASSIGN_RETRY_POLICY_V2: '1',
    ...(fresh.url ? { DATABASE_URL: fresh.url } : {}),
  })
  const open = (options: EngineOptions) => createEngine(loadConfig(env()), options)

  it('loses nothing: attempt numbering continues and exactly one summary is recorded', async () => {
    fresh = await createFreshDatabaseUrl()
    const slot = new Date(Date.now() + 2 * 86_400_000).toISOString()
    const guest = { name: 'G', email: 'g@example.com' }

    // 1. intake: the only table is taken, so the second booking is queued (jobs expire after 2 s)
    const intake = await open({ workers: false, jobExpireInSeconds: 2 })
    await intake.restaurants.putFloor('one-table', floor)
    const first = await intake.bookings.create({ restaurant: 'one-table', startAt: slot, partySize: 2, guest })
    const second = await intake.bookings.create({ restaurant: 'one-table', startAt: slot, partySize: 2, guest })
    expect(first.autoAssign.outcome).toBe('confirmed')
    expect(second.autoAssign).toMatchObject({ outcome: 'queued', reason: 'NO_AVAILABILITY' })
    await intake.close()

    // 2. a worker process picks the job, makes one attempt, and is killed
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/crash-worker.ts'], {
      env: { ...process.env, ...env() } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    )
    expect(exit.signal).toBe('SIGKILL')
    expect(output).toContain('attempted')

    // 3. a fresh process: the table is freed; the dead delivery expires and is delivered again
    engine = await open({
      jobExpireInSeconds: 2,
      maintenanceIntervalSeconds: 1,
      retryTimings: { transientBaseMs: 20, capacitySpacingMs: 50, capacityAttempts: 3, maxAttempts: 5 },
    })
    await engine.bookings.cancel(first.booking.id)
    const seated = await waitFor(
      async () => {
        const booking = await engine!.bookings.get(second.booking.id)
        return booking.status === 'confirmed' ? booking : undefined
      },
      45_000,
      'the redelivered job to seat the booking',
    )
    expect(seated.tables).toEqual(['T1'])

    const attempts = await engine.database.executeSql(
      `select trigger, attempt_number, outcome, reason_code from assignment_attempts where booking_id = $1 order by started_at`,
      [second.booking.id],
    )
    expect(attempts.rows).toEqual([
      { trigger: 'inline', attempt_number: 1, outcome: 'failed', reason_code: 'NO_AVAILABILITY' },
      { trigger: 'job', attempt_number: 1, outcome: 'failed', reason_code: 'NO_AVAILABILITY' },
      { trigger: 'job', attempt_number: 2, outcome: 'confirmed', reason_code: null },
    ])
    await engine.events.flush()
    const summaries = await engine.database.executeSql(
      `select context from observability_events where event_type = 'auto_assign.summary' and booking_id = $1`,
      [second.booking.id],
    )
    expect(summaries.rows).toHaveLength(1)
    expect(summaries.rows[0]!.context).toMatchObject({ result: 'succeeded', attempts_used: 2, delivery: 2 })
    const emails = await engine.database.executeSql(
      `select count(*)::int as n from email_outbox where booking_id = $1`,
      [second.booking.id],
    )
    expect(emails.rows[0]!.n).toBe(1)
  })
})
