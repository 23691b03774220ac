import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { QualitySummary } from './quality-run.ts'

/**
 * The latest published simulation (docs/decisions/022): `npm run simulate -- --publish` writes its
 * summary to DATA_DIR/quality/latest-simulation.json, the overview page reads it. A file, not a
 * table: the simulator runs on its own in-memory database, and with PGlite it cannot open the
 * server's database while the server runs.
 */
export const latestSimulationSchema = z.object({
  /** ISO: when the run finished */
  at: z.string().datetime({ offset: true }),
  /** what was simulated: "evening floor, peak evenings, re-seating on" */
  title: z.string(),
  reseat: z.boolean(),
  evenings: z.number().int().min(1),
  /** seated covers / the first-come-first-served limit, 0..1 (may exceed 1) */
  medianShareOfFirstCome: z.number(),
  worstShareOfFirstCome: z.number(),
  /** seated covers / the hindsight optimum, 0..1 */
  medianShareOfHindsight: z.number(),
})
export type LatestSimulation = z.infer<typeof latestSimulationSchema>

export const latestSimulationPath = (dataDir: string) => path.join(dataDir, 'quality', 'latest-simulation.json')

/** Writes the summary where the app reads it, whole or not at all (a temporary file, then a rename). */
export function writeLatestSimulation(
  dataDir: string,
  input: { at: Date; title: string; reseat: boolean; summary: QualitySummary },
): string {
  const file = latestSimulationPath(dataDir)
  const record: LatestSimulation = {
    at: input.at.toISOString(),
    title: input.title,
    reseat: input.reseat,
    evenings: input.summary.evenings,
    medianShareOfFirstCome: input.summary.medianShareOfFirstCome,
    worstShareOfFirstCome: input.summary.worstShareOfFirstCome,
    medianShareOfHindsight: input.summary.medianShareOfHindsight,
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n')
  fs.renameSync(temporary, file)
  return file
}

/** The latest published simulation; null when none was published or the file is not one. */
export async function readLatestSimulation(dataDir: string): Promise<LatestSimulation | null> {
  let text: string
  try {
    text = await fs.promises.readFile(latestSimulationPath(dataDir), 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = latestSimulationSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
