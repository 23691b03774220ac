import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The repository owns its documentation: no file may send a reader to a document that lives
// outside it (a sibling folder, a planning document, an absolute path on some machine). State the
// requirement in docs/ instead and point there.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SKIP_DIRS = new Set(['node_modules', '.git', 'build', 'data', 'tmp', '.cache', 'test-results'])
const TEXT = /\.(ts|tsx|mjs|cjs|js|json|md|sql|css|sh|txt|ya?ml|html)$|^\.ci$|^run$|^\.npmrc$|^\.gitignore$/

// assembled from parts so this file does not match itself
const OUTSIDE_REFERENCES: Array<[string, RegExp]> = [
  ['the planning contract', new RegExp(`\\b${'CON'}TRACT(\\.md)?\\b`)],
  ['the design document', new RegExp(`\\b${'DES'}IGN\\.md\\b`)],
  ['a folder beside the repository', new RegExp(`\\.\\./${'sha'}red\\b`)],
  ['an absolute path on one machine', new RegExp(`/${'wo'}rk/`)],
  ['the planning seeds', new RegExp(`\\b${'se'}eds/\\d{3}_`)],
]

function* files(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* files(path.join(dir, entry.name))
    } else if (TEXT.test(entry.name) && entry.name !== 'package-lock.json') {
      yield path.join(dir, entry.name)
    }
  }
}

describe('the repository is self-contained', () => {
  it('no file refers to a document outside the repository', () => {
    const found: string[] = []
    let scanned = 0
    for (const file of files(root)) {
      scanned++
      const lines = fs.readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, index) => {
        for (const [what, pattern] of OUTSIDE_REFERENCES) {
          if (pattern.test(line))
            found.push(`${path.relative(root, file)}:${index + 1} refers to ${what}: ${line.trim()}`)
        }
      })
    }
    expect(scanned).toBeGreaterThan(100)
    const where =
      "Point to the repository's own documents instead: running and configuring -> docs/operations.md; " +
      'the planner -> docs/planner.md; the HTTP API, pages and event types -> docs/api.md ' +
      '(sections "Pages" and "Events"); decisions -> docs/decisions/.'
    expect(found, `${found.join('\n')}\n${where}`).toEqual([])
  })

  it('the documents the README and the code point to exist', () => {
    for (const doc of ['docs/api.md', 'docs/operations.md', 'docs/planner.md', 'docs/images/overview.png']) {
      expect(fs.existsSync(path.join(root, doc)), doc).toBe(true)
    }
  })
})
