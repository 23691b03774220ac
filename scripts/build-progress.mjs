// Runs a build as one line of progress: the full output only when it fails or with --verbose.
import { spawn } from 'node:child_process'

/**
 * @param {{ label: string, command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv,
 *   verbose?: boolean, out?: NodeJS.WriteStream | { write(s: string): unknown, isTTY?: boolean } }} options
 * @returns {Promise<{ ok: boolean, code: number, output: string, seconds: number }>}
 */
export function runWithProgress({
  label,
  command,
  args,
  cwd,
  env = process.env,
  verbose = false,
  out = process.stdout,
}) {
  const started = Date.now()
  const seconds = () => Math.round((Date.now() - started) / 100) / 10
  return new Promise((resolve) => {
    if (verbose) {
      out.write(`${label}…\n`)
      const child = spawn(command, args, { cwd, env, stdio: 'inherit' })
      child.on('close', (code) => resolve({ ok: code === 0, code: code ?? 1, output: '', seconds: seconds() }))
      return
    }
    const chunks = []
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (chunk) => chunks.push(chunk))
    child.stderr.on('data', (chunk) => chunks.push(chunk))
    // on a terminal the line counts up in place; in a log file it is written once and completed
    const tty = Boolean(out.isTTY)
    out.write(`${label}…`)
    const ticker = tty ? setInterval(() => out.write(`\r${label}… ${Math.floor(seconds())} s`), 1000) : undefined
    child.on('close', (code) => {
      if (ticker) clearInterval(ticker)
      const output = Buffer.concat(chunks).toString('utf8')
      const ok = code === 0
      const end = ok ? `done in ${seconds()} s` : `failed (exit ${code}); its output:`
      out.write(tty ? `\r${label}… ${end}\n` : ` ${end}\n`)
      if (!ok) out.write(output.endsWith('\n') ? output : `${output}\n`)
      resolve({ ok, code: code ?? 1, output, seconds: seconds() })
    })
  })
}
