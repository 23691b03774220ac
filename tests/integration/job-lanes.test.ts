import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlExecutorOf } from '../../server/db/prepared.ts'
import { startJobRunner, type JobRunner } from '../../server/jobs/job-runner.ts'
import { ensureQueue } from '../../server/jobs/queue.ts'
import { createTestEngine, type TestEngine } from '../helpers/test-engine.ts'
import { waitFor } from '../helpers/wait.ts'

const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The runner's lanes against a real pg-boss queue: `lanesAllowed` caps the deliveries running at
 * once below `concurrency`, and a raised cap is used without a restart. Every job completes.
 */
describe(`job runner lanes (${driver})`, () => {
  let engine: TestEngine
  let runner: JobRunner | undefined
  beforeAll(async () => {
    engine = await createTestEngine({}, { workers: false })
  })
  afterAll(async () => {
    await runner?.stop(2_000)
    await engine.dispose()
  })

  it('never delivers more jobs at once than lanesAllowed says, and uses more lanes when it says more', async () => {
    const queue = `test-lanes-${process.pid}`
    await ensureQueue(engine.jobs, queue)
    let allowed = 1
    let running = 0
    let mostAtOnce = 0
    const done = new Set<number>()
    runner = startJobRunner<{ n: number }>(engine.jobs, {
      queue,
      concurrency: 4,
      pollIntervalMs: 50,
      lanesAllowed: () => allowed,
      transaction: (work) => engine.db.transaction((tx) => work(sqlExecutorOf(tx))),
      handle: async (job) => {
        running++
        mostAtOnce = Math.max(mostAtOnce, running)
        await sleep(40)
        running--
        done.add(job.data.n)
        return { kind: 'complete' }
      },
    })
    const send = async (from: number, count: number) => {
      for (let n = from; n < from + count; n++) await engine.jobs.send(queue, { n })
      runner!.wake()
    }

    await send(0, 8)
    await waitFor(async () => (done.size === 8 ? true : undefined), 20_000, 'the first eight jobs')
    expect(mostAtOnce).toBe(1)

    allowed = 3
    mostAtOnce = 0
    await send(8, 12)
    await waitFor(async () => (done.size === 20 ? true : undefined), 20_000, 'the next twelve jobs')
    expect(mostAtOnce).toBeGreaterThan(1)
    expect(mostAtOnce).toBeLessThanOrEqual(3)
    // the handler has returned for all 20; their completions are written just after: wait for them
    const notCompleted = async () =>
      Number(
        (
          await engine.database.executeSql(
            `select count(*)::int as n from pgboss.job where name = $1 and state <> 'completed'`,
            [queue],
          )
        ).rows[0]!.n,
      )
    await waitFor(async () => ((await notCompleted()) === 0 ? true : undefined), 10_000, 'every job to complete')
    expect(await notCompleted()).toBe(0)
  })
})
