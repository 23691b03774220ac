import { describe, expect, it } from 'vitest'
import { boundedMemo } from '../../server/memo.ts'

describe('boundedMemo', () => {
  it('computes each key once while it is remembered, and starts over when full', () => {
    const computed: string[] = []
    const remembered = boundedMemo<string>(2)
    const upper = (key: string) =>
      remembered(key, () => {
        computed.push(key)
        return key.toUpperCase()
      })
    expect(upper('a')).toBe('A')
    expect(upper('a')).toBe('A')
    expect(upper('b')).toBe('B')
    expect(computed).toEqual(['a', 'b'])
    expect(upper('c')).toBe('C') // full: forgets a and b
    expect(upper('a')).toBe('A')
    expect(computed).toEqual(['a', 'b', 'c', 'a'])
  })
})
