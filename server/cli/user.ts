import crypto from 'node:crypto'
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { createUser, ensureRolesAndPermissions } from '../auth/auth-service.ts'
import { ROLE_PERMISSIONS } from '../auth/roles.ts'
import { ConfigError, loadDatabaseConfig, pgliteDirectory } from '../config.ts'
import { openDatabase, type DatabaseHandle } from '../db/client.ts'
import { applyMigrations } from '../db/migrate.ts'
import { deleteUserSessions, disableUserByEmail, listUsersWithRoles } from '../db/queries/auth.ts'
import { AppError } from '../errors.ts'

// `npm run user -- create EMAIL --role ROLE | list | disable EMAIL` (docs/operations.md): how a
// production install gets its first admin. Works on the configured database (DATABASE_URL, else
// PGlite in DATA_DIR), applying migrations first so it also works before the server ever ran.

const ROLES = Object.keys(ROLE_PERMISSIONS)
const USAGE = `Usage:
  npm run user -- create EMAIL --role ${ROLES.join('|')} [--name "Full Name"]
      creates the user, or resets its password, role and name and re-enables it; prints a new
      password once (it is stored only as a hash) and ends the user's sessions
  npm run user -- list
  npm run user -- disable EMAIL
      the user can no longer sign in; its sessions end at once`

const emailSchema = z.string().trim().toLowerCase().email().max(320)

class UsageError extends Error {}

function parseEmail(value: string | undefined): string {
  const parsed = emailSchema.safeParse(value)
  if (!parsed.success) throw new UsageError(value ? `"${value}" is not an email address` : 'Give the email address')
  return parsed.data
}

async function openConfiguredDatabase(): Promise<DatabaseHandle> {
  const config = loadDatabaseConfig()
  if (!config.databaseUrl) fs.mkdirSync(config.dataDir, { recursive: true })
  const handle = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : pgliteDirectory(config.dataDir),
    poolSize: 2,
  })
  try {
    await applyMigrations(handle)
    await ensureRolesAndPermissions(handle.db)
  } catch (error) {
    await handle.close()
    throw error
  }
  return handle
}

async function create(handle: DatabaseHandle, email: string, role: string, name: string | undefined) {
  const password = crypto.randomBytes(18).toString('base64url')
  await createUser(handle.db, { email, name: name?.trim() || undefined, password, roles: [role] })
  console.log(`User ${email} now has the role ${role}; any earlier sessions of it have ended.`)
  console.log(`One-time password (shown only now, stored only as a hash): ${password}`)
  console.log('Sign in at /login with it. Run this command again to reset it.')
}

async function list(handle: DatabaseHandle) {
  const users = await listUsersWithRoles(handle.db)
  if (users.length === 0) {
    console.log('No users yet. Create the first admin: npm run user -- create EMAIL --role admin')
    return
  }
  const rows = users.map((user) => [
    user.email,
    user.roles.join(',') || '(no role)',
    user.disabledAt ? `disabled ${user.disabledAt.toISOString()}` : 'active',
    user.name,
  ])
  const header = ['EMAIL', 'ROLES', 'STATUS', 'NAME']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
}

async function disable(handle: DatabaseHandle, email: string) {
  const userId = await handle.db.transaction(async (tx) => {
    const id = await disableUserByEmail(tx, email, new Date())
    if (id) await deleteUserSessions(tx, id)
    return id
  })
  if (!userId) throw new AppError('USER_NOT_FOUND', `There is no user ${email}; "npm run user -- list" shows them`, 404)
  console.log(`User ${email} is disabled and signed out everywhere. "create" re-enables it with a new password.`)
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  const [command, target, ...extra] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(' ')}`)
  let run: (handle: DatabaseHandle) => Promise<void>
  if (command === 'create') {
    const email = parseEmail(target)
    const role = values.role
    if (!role || !ROLES.includes(role))
      throw new UsageError(`Give --role ${ROLES.join('|')}${role ? ` (not "${role}")` : ''}`)
    run = (handle) => create(handle, email, role, values.name)
  } else if (command === 'list') {
    if (target) throw new UsageError(`"list" takes no argument (got "${target}")`)
    run = list
  } else if (command === 'disable') {
    const email = parseEmail(target)
    run = (handle) => disable(handle, email)
  } else {
    throw new UsageError(`Unknown command "${command}"`)
  }
  const handle = await openConfiguredDatabase()
  try {
    await run(handle)
  } finally {
    await handle.close()
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${(error as Error).message}\n\n${USAGE}`)
      process.exit(2)
    }
    if (error instanceof AppError || error instanceof ConfigError) {
      console.error((error as Error).message)
      process.exit(1)
    }
    console.error('npm run user failed:', error)
    process.exit(1)
  },
)
