/** The flag.* event types (docs/api.md, "Events"), declared once; started and resumed are extensions. */
export const FLAG_EVENTS = {
  ruleChanged: 'flag.rule_changed',
  rampStarted: 'flag.ramp_started',
  rampAdvanced: 'flag.ramp_advanced',
  rampPaused: 'flag.ramp_paused',
  rampResumed: 'flag.ramp_resumed',
  rampCompleted: 'flag.ramp_completed',
  rampRolledBack: 'flag.ramp_rolled_back',
} as const
export type FlagEventType = (typeof FLAG_EVENTS)[keyof typeof FLAG_EVENTS]

/** NOTIFY channel of rule changes: every engine process LISTENs on it (Postgres). */
export const FLAG_CHANGES_CHANNEL = 'maitre_flag_rules'

/** Who changed something, as stored in flag_audit.actor and ramp history. */
export const systemActor = (name: 'api' | 'ramp-runner') => `system:${name}`
export const userActor = (email: string) => `user:${email}`

/** A person's (or the API caller's) reason for a change: required, short, one line of prose. */
export const MAX_COMMENT_LENGTH = 500
