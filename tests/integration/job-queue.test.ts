import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureQueue } from '../../server/jobs/queue.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { waitFor } from '../helpers/wait.ts'

describe('pg-boss on the application database', () => {
  let engine: TestEngine
  beforeAll(async () => {
    engine = await createTestEngine()
  })
  afterAll(() => engine.dispose())

  it('retries a failing job and then completes it', async () => {
    await ensureQueue(engine.jobs, 'test-flaky', { retryLimit: 3, retryDelay: 1 })
    const seenAttempts: number[] = []
    await engine.jobs.work<{ failTimes: number }>(
      'test-flaky',
      { pollingIntervalSeconds: 0.5, includeMetadata: true },
      async ([job]) => {
        seenAttempts.push(job!.retryCount)
        if (job!.retryCount < job!.data.failTimes) throw new Error(`planned failure ${job!.retryCount + 1}`)
        return { ok: true }
      },
    )
    const jobId = await engine.jobs.send('test-flaky', { failTimes: 2 }, { retryLimit: 3, retryDelay: 1 })
    expect(jobId).toBeTruthy()
    const done = await waitFor(async () => {
      const job = await engine.jobs.getJobById('test-flaky', jobId!)
      return job?.state === 'completed' ? job : undefined
    })
    expect(done.retryCount).toBe(2)
    expect(seenAttempts).toEqual([0, 1, 2])
  })

  it('a singleton key keeps one queued job per booking', async () => {
    await ensureQueue(engine.jobs, 'test-singleton')
    const first = await engine.jobs.send('test-singleton', {}, { singletonKey: 'booking-1', singletonSeconds: 60 })
    const second = await engine.jobs.send('test-singleton', {}, { singletonKey: 'booking-1', singletonSeconds: 60 })
    expect(first).toBeTruthy()
    expect(second).toBeNull()
  })
})
