import crypto from 'node:crypto'
import type { RequestHandler } from 'express'

export interface SecurityHeaderOptions {
  /** HSTS only in production: it pins the browser to HTTPS for a year */
  production: boolean
  /** Vite dev middleware injects inline and eval'd modules and talks over a websocket */
  devServer: boolean
}

/**
 * Security headers on every response (OWASP ASVS 14.4). Pages get a Content-Security-Policy whose
 * scripts must carry this response's nonce (res.locals.cspNonce, handed to Remix through the load
 * context for the scripts it inlines): injected markup cannot run script. Styles allow inline
 * because charts set style attributes. frame-ancestors 'none' (and X-Frame-Options for older
 * browsers) stop clickjacking.
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler {
  return (req, res, next) => {
    const nonce = crypto.randomBytes(16).toString('base64')
    res.locals.cspNonce = nonce
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    if (options.production) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    const scripts = options.devServer ? "'self' 'unsafe-inline' 'unsafe-eval'" : `'self' 'nonce-${nonce}'`
    const connect = options.devServer ? "'self' ws: wss:" : "'self'"
    const policy = req.path.startsWith('/api/')
      ? "default-src 'none'; frame-ancestors 'none'"
      : [
          "default-src 'self'",
          `script-src ${scripts}`,
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:",
          "font-src 'self'",
          `connect-src ${connect}`,
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ].join('; ')
    res.setHeader('Content-Security-Policy', policy)
    next()
  }
}
