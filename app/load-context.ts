import type { Engine } from '../server/engine.ts'

// Type-only: app/ reaches the engine through the load context, never by importing it.
declare module '@remix-run/node' {
  interface AppLoadContext {
    engine: Engine
    /** the client's address as Express resolved it (trust proxy): login throttling */
    clientIp?: string
    /** this response's Content-Security-Policy nonce, for the scripts Remix inlines */
    cspNonce?: string
    /** logs an error from a loader, action or render without guests' personal data */
    reportError?: (error: unknown) => void
  }
}

export {}
