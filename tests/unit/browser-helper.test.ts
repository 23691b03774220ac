import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureChromium } from '../helpers/browser.ts'

const missing = () => path.join(os.tmpdir(), `no-chromium-${process.pid}-${Date.now()}`)

describe('ensureChromium (what npm test does when the browser is missing)', () => {
  it('as root: says in one line what it installs, before installing', () => {
    const target = missing()
    const events: string[] = []
    ensureChromium({
      path: target,
      isRoot: true,
      say: (line) => events.push(`say: ${line}`),
      install: () => {
        events.push('install')
        fs.writeFileSync(target, '')
      },
    })
    fs.rmSync(target)
    expect(events).toHaveLength(2)
    expect(events[0]).toMatch(/^say: .*installing Debian's package now: apt-get update && apt-get install -y chromium$/)
    expect(events[1]).toBe('install')
  })

  it('not root: installs nothing and throws the exact command to run', () => {
    const events: string[] = []
    expect(() =>
      ensureChromium({ path: missing(), isRoot: false, say: (l) => events.push(l), install: () => events.push('x') }),
    ).toThrow("sudo sh -c 'apt-get update && apt-get install -y chromium'")
    expect(events).toEqual([])
  })

  it('as root when the install fails: throws the command to run by hand', () => {
    expect(() =>
      ensureChromium({
        path: missing(),
        isRoot: true,
        say: () => {},
        install: () => {
          throw new Error('no network')
        },
      }),
    ).toThrow(/run this and try again: apt-get update && apt-get install -y chromium/)
  })
})
