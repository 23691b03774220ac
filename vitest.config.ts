import { defineConfig } from 'vitest/config'

// CI sets MAITRE_TEST_REPORT_DIR to collect machine-readable results from every vitest run.
const reportDir = process.env.MAITRE_TEST_REPORT_DIR
const reporters = reportDir
  ? ['default', ['json', { outputFile: `${reportDir}/vitest-${process.pid}-${Date.now()}.json` }]]
  : ['default']

// Three projects so CI can rerun just the database suites against Postgres.
export default defineConfig({
  test: {
    reporters: reporters as never,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // the planner's property tests run thousands of seeded floors; on a busy machine one can
          // pass 5 s. A timeout is a hang detector here, not a performance target (bench/ has those)
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
})
