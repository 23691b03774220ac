import type { Engine } from '../server/engine.ts'

// Type-only: app/ reaches the engine through the load context, never by importing it.
declare module '@remix-run/node' {
  interface AppLoadContext {
    engine: Engine
  }
}

export {}
