import { describe, expect, it } from 'vitest'
import { safeRedirect } from '../../app/utils/redirect.ts'

describe('safeRedirect', () => {
  it.each([
    '/..//evil.example/phish',
    '/%2e%2e//evil.example/phish',
    '/./..//evil.example',
    '/a/../..//evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    '/login',
    '/logout?x=1',
  ])('refuses %s', (target) => {
    const result = safeRedirect(target)
    expect(result).toBe('/')
    // whatever comes out, a browser resolves it on our own origin
    expect(new URL(result, 'https://maitre.example').origin).toBe('https://maitre.example')
  })

  it.each([
    ['/attempts', '/attempts'],
    ['/percentiles?window=1h#chart', '/percentiles?window=1h#chart'],
    ['/flags/../events', '/events'],
  ])('keeps the local path %s', (target, expected) => {
    expect(safeRedirect(target)).toBe(expected)
  })
})
