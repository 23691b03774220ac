// explainQuote: the chosen plan and, for every other table, why it was left out.
import { describe, expect, it } from 'vitest'
import { explainQuote, type ExplainInput, type Explanation } from '../../../planner/index'
import { request, table } from './helpers'

const at = (hhmm: string) => Date.parse(`2025-06-14T${hhmm}:00Z`)
const window = { start: at('18:00'), end: at('20:00') }

const reasonsById = (e: Explanation) =>
  Object.fromEntries(e.tables.map((t) => [t.tableId, t.reasons.map((r) => r.code)]))

describe('explainQuote', () => {
  const tables = [
    table('ALT', 6),
    table('A', 4),
    table('B', 2),
    table('BIG', 8, { minParty: 7 }),
    table('SMALL', 2, { maxParty: 2 }),
    table('NM', 4, { mergeable: false }),
    table('OFF', 6, { active: false }),
    table('AV', 6),
    table('BZ', 6),
    table('T', 6, { zoneId: 'terrace' }),
  ]
  const input: ExplainInput = {
    ...request(tables, 6, {
      adjacency: [['A', 'B']],
      avoidTableIds: ['AV'],
      zoneId: 'main',
      busy: [
        { tableId: 'BZ', start: at('17:00'), end: at('19:00') },
        { tableId: 'BZ', start: at('19:00'), end: at('21:30') },
      ],
    }),
    window,
  }

  it('gives the chosen plan and a reason for every other table', () => {
    const e = explainQuote(input)
    expect(e.ok).toBe(true)
    expect(e.plan?.tableIds).toEqual(['ALT'])
    expect(e.reason).toBeNull()
    expect(reasonsById(e)).toEqual({
      ALT: [],
      A: ['NOT_CHOSEN'],
      B: ['NOT_CHOSEN'],
      BIG: ['BELOW_MIN_PARTY', 'NOT_ADJACENT'],
      SMALL: ['ABOVE_MAX_PARTY', 'NOT_ADJACENT'],
      NM: ['ABOVE_MAX_PARTY', 'NOT_MERGEABLE'],
      OFF: ['INACTIVE'],
      AV: ['AVOIDED'],
      BZ: ['BUSY'],
      T: ['WRONG_ZONE'],
    })
    const byId = Object.fromEntries(e.tables.map((t) => [t.tableId, t]))
    expect(byId.ALT?.inChosenPlan).toBe(true)
    expect(byId.A?.reasons[0]).toMatchObject({ code: 'NOT_CHOSEN', inPlans: [1] })
    expect(byId.BIG?.reasons[0]).toMatchObject({ code: 'BELOW_MIN_PARTY', minParty: 7 })
    expect(byId.SMALL?.reasons[0]).toMatchObject({ code: 'ABOVE_MAX_PARTY', maxParty: 2 })
    expect(byId.T?.reasons[0]).toMatchObject({ code: 'WRONG_ZONE', zoneId: 'terrace', requestedZoneId: 'main' })
  })

  it('says until when a busy table is taken, through back-to-back bookings, in UTC by default', () => {
    const busy = explainQuote(input).tables.find((t) => t.tableId === 'BZ')?.reasons[0]
    expect(busy).toEqual({ code: 'BUSY', until: at('21:30'), untilLabel: '21:30', message: 'busy until 21:30' })
  })

  it('formats the busy end in the requested time zone', () => {
    const e = explainQuote({ ...input, timeZone: 'Europe/Paris' })
    expect(e.timeZone).toBe('Europe/Paris')
    expect(e.tables.find((t) => t.tableId === 'BZ')?.reasons[0]).toMatchObject({ untilLabel: '23:30' })
  })

  it('agrees with quoteTables', () => {
    const e = explainQuote(input)
    expect(e.quote.ok && e.quote.plans.map((p) => p.tableIds.join('+'))).toEqual(['ALT', 'A+B'])
  })

  it('explains a request without plans table by table', () => {
    const e = explainQuote({ ...request([table('X', 2), table('Y', 2)], 6, { requireAdjacency: false }), window })
    expect(e.ok).toBe(false)
    expect(e.reason).toBe('PARTY_TOO_LARGE')
    expect(reasonsById(e)).toEqual({
      X: ['ABOVE_MAX_PARTY', 'MERGE_TOO_SMALL'],
      Y: ['ABOVE_MAX_PARTY', 'MERGE_TOO_SMALL'],
    })
  })

  it('names maxTables 1 as the merge blocker', () => {
    const e = explainQuote({ ...request([table('X', 2), table('Y', 2)], 4, { maxTables: 1 }), window })
    expect(reasonsById(e).X).toEqual(['ABOVE_MAX_PARTY', 'MERGES_DISABLED'])
  })

  it('answers INVALID_REQUEST for a bad request or an unknown time zone', () => {
    const bad = explainQuote({ ...input, partySize: 0 })
    expect(bad).toMatchObject({ ok: false, reason: 'INVALID_REQUEST', tables: [] })
    const tz = explainQuote({ ...input, timeZone: 'Mars/Olympus_Mons' })
    expect(tz).toMatchObject({ ok: false, reason: 'INVALID_REQUEST', tables: [] })
    expect(() => explainQuote(null as unknown as ExplainInput)).not.toThrow()
  })
})
