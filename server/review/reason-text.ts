import type { ExclusionReason } from '../../planner/index.ts'

/**
 * The one place where reason codes become sentences a host reads between two tables. The codes are
 * the planner's (docs/planner.md), the engine's (server/assignment/reason-codes.ts) and the job's
 * (CUTOFF:<reason>, EXHAUSTED); an unknown code still reads as a sentence, with the code in it.
 */
const BOOKING_REASONS: Record<string, string> = {
  INVALID_REQUEST: 'The booking itself looks wrong (party size or times); check it with the guest.',
  NO_TABLES_IN_ZONE: 'The area the guest asked for has no tables in use.',
  PARTY_TOO_LARGE: 'No table or combination of tables is big enough for this party.',
  ADJACENCY_UNSATISFIED: 'Enough seats are free, but not at tables that stand next to each other.',
  NO_AVAILABILITY: 'Every table that fits this party is taken at this time.',
  HOLD_CONFLICT: 'Other bookings kept taking the free tables first.',
  HOLD_EXPIRED: 'The engine lost its hold on the tables before it could confirm.',
  LOCK_TIMEOUT: 'The engine was busy with this booking elsewhere and gave up waiting.',
  TIMEOUT: 'The engine ran out of time looking for tables.',
  DB_ERROR: 'The engine hit a technical problem while seating it.',
  CIRCUIT_OPEN: 'Automatic seating was paused for this restaurant after repeated errors.',
  EXHAUSTED: 'The engine tried several times and could not seat it.',
  UNKNOWN: 'The engine could not seat it and did not say why.',
}

export function bookingReasonText(code: string | null | undefined): string {
  if (!code) return BOOKING_REASONS.UNKNOWN!
  if (code.startsWith('CUTOFF')) {
    const inner = code.slice('CUTOFF'.length).replace(/^:/, '')
    const why = inner ? ` ${bookingReasonText(inner)}` : ''
    return `It is too close to the start time for the engine to keep trying.${why}`
  }
  if (code.startsWith('EXPIRED')) {
    const inner = code.slice('EXPIRED'.length).replace(/^:/, '')
    return `The booking's time passed before anyone seated it.${inner ? ` ${bookingReasonText(inner)}` : ''}`
  }
  return BOOKING_REASONS[code] ?? `The engine could not seat it (${code}).`
}

/** Why one table cannot take this booking, from the planner's explainQuote. */
export function tableReasonText(reason: ExclusionReason, zoneName: (zoneId: string) => string): string {
  switch (reason.code) {
    case 'INACTIVE':
      return 'Not in use'
    case 'AVOIDED':
      return 'Set aside'
    case 'WRONG_ZONE':
      return `In ${zoneName(reason.zoneId)}, not the area asked for`
    case 'BUSY':
      return `Busy until ${reason.untilLabel}`
    case 'BELOW_MIN_PARTY':
      return `Kept for parties of ${reason.minParty} or more`
    case 'ABOVE_MAX_PARTY':
      return `Seats at most ${reason.maxParty}`
    case 'MERGES_DISABLED':
      return 'Tables may not be joined for this booking'
    case 'NOT_MERGEABLE':
      return 'Cannot be joined with other tables'
    case 'NOT_ADJACENT':
      return 'No free table next to it to join for this party'
    case 'MERGE_TOO_SMALL':
      return 'Even joined with the free tables around it, too few seats'
    case 'NOT_CHOSEN':
      return reason.inPlans.length > 0 ? 'Free: part of a suggestion' : 'Free'
  }
}

/** Labels for what a suggestion relaxed (server/review/suggestions.ts names them). */
/** the `relaxed` entry of a suggestion that seats the booking by moving others */
export const RESEAT_RELAXATION = 'reseat'

/** "Seat by moving B-17 from T4 to T6 and B-20 from A1 + A2 to C1". */
export function reseatText(moves: Array<{ reference: string; from: string[]; to: string[] }>): string {
  const parts = moves.map((move) => `${move.reference} from ${move.from.join(' + ')} to ${move.to.join(' + ')}`)
  const list = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
  return `Seat by moving ${list}`
}

export function relaxationText(relaxed: string): string {
  if (relaxed === 'adjacency') return 'Tables not side by side'
  if (relaxed === 'max_tables') return 'One more table joined'
  if (relaxed === 'zone') return 'Another area'
  if (relaxed === RESEAT_RELAXATION) return 'Moving other bookings'
  const shift = /^start([+-])(\d+)$/.exec(relaxed)
  if (shift) return `${shift[2]} min ${shift[1] === '+' ? 'later' : 'earlier'}`
  return relaxed
}

/** "Seats 6 for a party of 5 (1 spare seat)". */
export function fitText(capacity: number, partySize: number): string {
  const spare = capacity - partySize
  const spareText = spare === 0 ? 'exact fit' : `${spare} spare seat${spare === 1 ? '' : 's'}`
  return `Seats ${capacity} for a party of ${partySize} (${spareText})`
}
