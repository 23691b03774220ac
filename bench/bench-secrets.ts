/**
 * The session secret every benchmark's engine is configured with. loadConfig refuses a secret
 * shorter than 32 characters; one shared value keeps every bench past that check
 * (tests/unit/bench-secrets.test.ts loads a config with it).
 */
export const BENCH_SESSION_SECRET = 'bench-session-secret-0123456789-abcdef'
