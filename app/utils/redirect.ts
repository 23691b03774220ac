const DEFAULT_REDIRECT = '/'

/**
 * A redirect target that stays on this site: a path starting with a single "/", no scheme, no
 * protocol-relative "//host", no backslash tricks, never back to /login or /logout.
 *
 * The checks run on the path as the URL parser normalises it as well as on the raw text: dot
 * segments collapse, so "/..//evil.example" (or "/%2e%2e//evil.example") becomes
 * "//evil.example", which a browser reads as another host.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = DEFAULT_REDIRECT): string {
  if (typeof to !== 'string' || to.length === 0 || to.length > 2_000) return fallback
  if (!to.startsWith('/') || to.startsWith('//') || to.includes('\\')) return fallback
  // reject control characters (e.g. "/\t/evil.example" is read as "//evil.example" by browsers)
  for (let i = 0; i < to.length; i++) if (to.charCodeAt(i) < 0x20 || to.charCodeAt(i) === 0x7f) return fallback
  const url = new URL(to, 'http://maitre.invalid')
  if (url.origin !== 'http://maitre.invalid') return fallback
  if (url.pathname.startsWith('//') || url.pathname.includes('\\')) return fallback
  if (url.pathname === '/login' || url.pathname === '/logout') return fallback
  return `${url.pathname}${url.search}${url.hash}`
}
