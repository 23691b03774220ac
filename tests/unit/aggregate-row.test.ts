import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { RowShapeError } from '../../server/analytics/queries/aggregate-row.ts'
import { parseRawFactsRows, rawFactsRow } from '../../server/analytics/queries/raw-facts.ts'
import { parseRollupRows, rollupRow } from '../../server/analytics/queries/rollup-read.ts'

// Rollup and raw-facts rows are parsed by hand (zod cost more than the statement on a 24 h page):
// the hand parsers must accept exactly what the zod shapes accept, and give the same values.
const good = {
  series: 'planner_quotes',
  restaurant_key: '02fb6c85-595d-430b-b011-d36ef706ae39',
  grain: 'hour',
  bucket_start: '2026-11-30T12:00:00.000Z',
  label: 'NO_AVAILABILITY',
  count: '14',
  count_a: 3n,
  count_b: 0,
  value_sum: '123.25',
  value_max: 40.5,
  hist: { '12': 3, '-687': '1' },
}
const variants: Array<[string, Record<string, unknown>]> = [
  ['as node-postgres returns it', good],
  ['with a Date and plain numbers', { ...good, bucket_start: new Date('2026-11-30T12:00:00Z'), count: 14, count_a: 3 }],
  ['with no maximum', { ...good, value_max: null }],
  ['with an empty sketch and an extra column', { ...good, hist: {}, extra: 1 }],
  ['with a day and the everything slice', { ...good, grain: 'day', restaurant_key: '*' }],
  ['with an unknown series', { ...good, series: 'nope' }],
  ['with an unknown grain', { ...good, grain: 'week' }],
  ['with a negative count', { ...good, count: '-1' }],
  ['with a fractional count', { ...good, count_b: 1.5 }],
  ['with a count that is not a number', { ...good, count: 'many' }],
  ['with no count', { ...good, count: undefined }],
  ['with a null count', { ...good, count_a: null }],
  ['with an infinite sum', { ...good, value_sum: 'Infinity' }],
  ['with a NaN maximum', { ...good, value_max: Number.NaN }],
  ['with a missing maximum', { ...good, value_max: undefined }],
  ['with a bad timestamp', { ...good, bucket_start: 'yesterday' }],
  ['with a numeric timestamp', { ...good, bucket_start: 1_795_000_000_000 }],
  ['with a label that is not text', { ...good, label: null }],
  ['with a sketch that is an array', { ...good, hist: [1, 2] }],
  ['with a null sketch', { ...good, hist: null }],
  ['with a sketch that is text', { ...good, hist: '{}' }],
]

function agree(
  zodRow: z.ZodTypeAny,
  parse: (rows: Array<Record<string, unknown>>) => unknown[],
  row: Record<string, unknown>,
) {
  const expected = z.array(zodRow).safeParse([row])
  if (expected.success) expect(parse([row])).toEqual(expected.data)
  else expect(() => parse([row])).toThrow(RowShapeError)
  return expected.success
}

describe('hand-parsed aggregate rows', () => {
  it.each(variants)('rollup row %s: as zod', (_, row) => {
    agree(rollupRow, parseRollupRows('rollup-read'), row)
  })

  it.each(variants)('raw facts row %s: as zod', (_, row) => {
    const { series: _series, grain: _grain, ...raw } = row
    agree(rawFactsRow, parseRawFactsRows, raw)
  })

  it('accepts the good rows and rejects the bad ones (the table above is not one-sided)', () => {
    const accepted = variants.filter(([, row]) => agree(rollupRow, parseRollupRows('rollup-read'), row))
    expect(accepted.length).toBe(5)
  })

  it('names the statement, the row and the field of a bad row', () => {
    expect(() => parseRollupRows('rollup-read')([good, { ...good, count: '-1' }])).toThrow(
      'rollup-read.sql row 1: count is not valid ("-1")',
    )
    expect(() => parseRollupRows('rollup-read')([{ ...good, count: -2n }])).toThrow('row 0: count is not valid (-2)')
  })
})
