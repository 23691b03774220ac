import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  latestSimulationPath,
  readLatestSimulation,
  writeLatestSimulation,
} from '../../server/quality/latest-simulation.ts'

const summary = {
  evenings: 3,
  medianShareOfFirstCome: 1,
  worstShareOfFirstCome: 0.9333,
  medianShareOfHindsight: 0.8,
  worstShareOfHindsight: 0.76,
  reseatedBookings: 4,
  inlineP95Ms: 12,
  reseatInlineP95Ms: 20,
}

describe('the latest published simulation (DATA_DIR/quality/latest-simulation.json)', () => {
  const dirs: string[] = []
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maitre-quality-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('reads back what the simulator wrote, and the newest run replaces the older', async () => {
    const dir = dataDir()
    expect(await readLatestSimulation(dir)).toBeNull()
    writeLatestSimulation(dir, { at: new Date('2026-11-30T10:00:00Z'), title: 'old', reseat: false, summary })
    writeLatestSimulation(dir, { at: new Date('2026-12-01T10:00:00Z'), title: 'new', reseat: true, summary })
    expect(await readLatestSimulation(dir)).toEqual({
      at: '2026-12-01T10:00:00.000Z',
      title: 'new',
      reseat: true,
      evenings: 3,
      medianShareOfFirstCome: 1,
      worstShareOfFirstCome: 0.9333,
      medianShareOfHindsight: 0.8,
    })
    // no temporary file left behind
    expect(fs.readdirSync(path.dirname(latestSimulationPath(dir)))).toEqual(['latest-simulation.json'])
  })

  it('answers null for a file that is not a summary rather than failing the overview', async () => {
    const dir = dataDir()
    fs.mkdirSync(path.dirname(latestSimulationPath(dir)), { recursive: true })
    fs.writeFileSync(latestSimulationPath(dir), '{"evenings": "many"')
    expect(await readLatestSimulation(dir)).toBeNull()
    fs.writeFileSync(latestSimulationPath(dir), '{"evenings": "many"}')
    expect(await readLatestSimulation(dir)).toBeNull()
  })
})
