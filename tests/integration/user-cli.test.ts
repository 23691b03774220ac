import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthService } from '../../server/auth/auth-service.ts'
import { pgliteDirectory } from '../../server/config.ts'
import { openDatabase, type DatabaseHandle } from '../../server/db/client.ts'
import { createFreshDatabaseUrl } from '../helpers/test-database.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const run = promisify(execFile)
const here = { clientIp: '127.0.0.1' }

// `npm run user` as an operator runs it: a real child process on the configured database
// (PGlite in DATA_DIR, or DATABASE_URL when the suite runs on Postgres), with no HTTP secrets set.
describe('npm run user -- create | list | disable', () => {
  let dataDir: string
  let fresh: Awaited<ReturnType<typeof createFreshDatabaseUrl>>
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-user-cli-'))
    fresh = await createFreshDatabaseUrl()
  })
  afterAll(async () => {
    await fresh.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  async function user(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    // production, and none of the server's secrets: the tool needs only the database
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'production',
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      DATA_DIR: dataDir,
      ...(fresh.url ? { DATABASE_URL: fresh.url } : {}),
    }
    try {
      const { stdout, stderr } = await run('npm', ['run', '--silent', 'user', '--', ...args], { cwd: root, env })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  /** the database as the server would open it; closed again before the next CLI run (PGlite is single-process) */
  async function withAuth<T>(work: (auth: ReturnType<typeof createAuthService>, db: DatabaseHandle) => Promise<T>) {
    const handle = await openDatabase({
      databaseUrl: fresh.url,
      dataDir: fresh.url ? undefined : pgliteDirectory(dataDir),
    })
    try {
      return await work(createAuthService(handle.db), handle)
    } finally {
      await handle.close()
    }
  }

  const passwordIn = (stdout: string) => /One-time password[^:]*: (\S+)/.exec(stdout)?.[1]

  it('provisions the first admin on an empty production database, resets it, lists and disables it', async () => {
    const created = await user('create', 'First.Admin@Example.com', '--role', 'admin', '--name', 'First Admin')
    expect(created.code).toBe(0)
    const password = passwordIn(created.stdout)
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)

    const session = await withAuth(async (auth) => {
      const signedIn = await auth.signIn('first.admin@example.com', password!, here)
      if (!signedIn.ok) throw new Error(signedIn.message)
      expect(await auth.getSessionUser(signedIn.token)).toMatchObject({ name: 'First Admin', roles: ['admin'] })
      return signedIn.token
    })

    const reset = await user('create', 'first.admin@example.com', '--role', 'engineer')
    expect(reset.code).toBe(0)
    const newPassword = passwordIn(reset.stdout)
    expect(newPassword).not.toBe(password)
    const liveSession = await withAuth(async (auth) => {
      expect(await auth.getSessionUser(session)).toBeNull()
      expect(await auth.signIn('first.admin@example.com', password!, here)).toMatchObject({ ok: false })
      const again = await auth.signIn('first.admin@example.com', newPassword!, here)
      if (!again.ok) throw new Error(again.message)
      expect((await auth.getSessionUser(again.token))?.roles).toEqual(['engineer'])
      return again.token
    })

    const listed = await user('list')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/first\.admin@example\.com\s+engineer\s+active\s+First Admin/)

    const disabled = await user('disable', 'first.admin@example.com')
    expect(disabled.code).toBe(0)
    await withAuth(async (auth) => {
      expect(await auth.getSessionUser(liveSession)).toBeNull()
      expect(await auth.signIn('first.admin@example.com', newPassword!, here)).toMatchObject({ ok: false })
    })
    expect((await user('list')).stdout).toMatch(/first\.admin@example\.com\s+engineer\s+disabled /)
  }, 240_000)

  it('explains what is wrong: an unknown role, a missing email, an unknown user', async () => {
    const badRole = await user('create', 'x@example.com', '--role', 'owner')
    expect(badRole.code).toBe(2)
    expect(badRole.stderr).toContain('Give --role ops|staff|engineer|admin (not "owner")')
    const noEmail = await user('disable')
    expect(noEmail.code).toBe(2)
    expect(noEmail.stderr).toContain('Give the email address')
    const unknown = await user('disable', 'nobody@example.com')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('There is no user nobody@example.com')
  }, 120_000)
})
