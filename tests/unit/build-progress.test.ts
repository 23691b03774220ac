import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain ESM script of `npm start`, without type declarations
import { runWithProgress } from '../../scripts/build-progress.mjs'

function sink(isTTY: boolean) {
  let text = ''
  return { out: { isTTY, write: (chunk: string) => (text += chunk) }, text: () => text }
}

const noisyBuild = (exitCode: number) => [
  '-e',
  `for (let i = 0; i < 40; i++) console.log('vite: transforming module ' + i); console.error('warning: big chunk'); process.exit(${exitCode})`,
]

describe('build progress for npm start', () => {
  it('prints one line for a build that succeeds, however much the build itself prints', async () => {
    const { out, text } = sink(false)
    const result = await runWithProgress({
      label: 'Building the pages',
      command: process.execPath,
      args: noisyBuild(0),
      cwd: process.cwd(),
      out,
    })
    expect(result.ok).toBe(true)
    expect(text()).toMatch(/^Building the pages… done in [0-9.]+ s\n$/)
  })

  it('prints the whole output when the build fails, and passes its exit code on', async () => {
    const { out, text } = sink(false)
    const result = await runWithProgress({
      label: 'Building the pages',
      command: process.execPath,
      args: noisyBuild(3),
      cwd: process.cwd(),
      out,
    })
    expect(result).toMatchObject({ ok: false, code: 3 })
    expect(text().split('\n')[0]).toBe('Building the pages… failed (exit 3); its output:')
    expect(text()).toContain('vite: transforming module 39')
    expect(text()).toContain('warning: big chunk')
  })
})
