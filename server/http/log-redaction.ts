/**
 * Error text safe for logs: no guest names, emails or phone numbers. drizzle puts a failed
 * statement's parameters (guest name, email, phone…) on a "params:" line of its message and the
 * driver's error may carry row values in `detail`; both are left out, and any email address that
 * remains (in a message, a cause) is masked. The SQL text, codes and stack frames stay, which is
 * what a person needs to find the fault.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
const PARAMS_LINE = /^\s*params:.*$/gm
const MAX_DEPTH = 4

function clean(text: string): string {
  return text.replace(PARAMS_LINE, 'params: [redacted]').replace(EMAIL, '[email redacted]')
}

function describe(error: unknown, depth: number): string {
  if (!(error instanceof Error)) return clean(String(error))
  const code = (error as { code?: unknown }).code
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n')
  let text = `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${clean(error.message)}`
  if (frames) text += `\n${frames}`
  if (error.cause !== undefined && depth < MAX_DEPTH) text += `\ncaused by ${describe(error.cause, depth + 1)}`
  return text
}

export function redactForLog(error: unknown): string {
  return describe(error, 0)
}

/** Logs an unexpected error under `scope` without personal data. */
export function logUnexpectedError(scope: string, error: unknown, log: (line: string) => void = console.error): void {
  log(`[${scope}] unexpected error: ${redactForLog(error)}`)
}
