// A worker process that dies (SIGKILL) right after its first background attempt is recorded:
// the "process killed mid-job" half of the job recovery test. Env: DATABASE_URL or DATA_DIR.
import { loadConfig } from '../../server/config.ts'
import { createEngine } from '../../server/engine.ts'

const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  MAITRE_DEMO: '0',
  SESSION_SECRET: 'crash-worker-secret-0123456789abcdef',
})
await createEngine(config, {
  workerConcurrency: 1,
  faults: {
    afterJobAttempt: () => {
      process.stdout.write('attempted\n')
      process.kill(process.pid, 'SIGKILL')
    },
  },
})
process.stdout.write('ready\n')
