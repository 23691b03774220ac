// The engine and HTTP API the HTTP benchmarks load (bench:pipeline, bench:planner-isolation): a
// scratch database on Postgres (or PGlite in memory), the demo floors, and a keep-alive agent.
import http from 'node:http'
import os from 'node:os'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../../server/config.ts'
import { createEngine } from '../../server/engine.ts'
import { createHttpApp } from '../../server/http/app.ts'
import { importFloor } from '../../server/restaurants/floor-import.ts'
import { floorSchema } from '../../server/restaurants/floor-schema.ts'
import { listZones } from '../../server/db/queries/restaurants.ts'
import { DEMO_RESTAURANTS } from '../../server/sim/demo-floors.ts'
import type { SimRestaurant } from '../../server/sim/traffic.ts'
import { BENCH_SESSION_SECRET } from '../bench-secrets.ts'

export const BENCH_API_TOKEN = 'bench-token-123'
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchServerOptions {
  driver: 'pglite' | 'postgres'
  /** the scratch database's name starts with this (Postgres) */
  databasePrefix: string
  /** under the OS temp dir */
  dataDirName: string
  workerConcurrency: number
}

export async function startBenchServer(options: BenchServerOptions) {
  let databaseUrl: string | undefined
  let drop = async () => {}
  if (options.driver === 'postgres') {
    const name = `${options.databasePrefix}_${Date.now()}`
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(ADMIN_URL)
    url.pathname = `/${name}`
    databaseUrl = url.toString()
    drop = async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    }
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    MAITRE_DEMO: '0',
    DATA_DIR: path.join(os.tmpdir(), options.dataDirName),
    SESSION_SECRET: BENCH_SESSION_SECRET,
    MAITRE_API_TOKEN: BENCH_API_TOKEN,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  })
  const engine = await createEngine(config, { inMemory: true, workerConcurrency: options.workerConcurrency })
  const restaurants: SimRestaurant[] = []
  for (const demo of DEMO_RESTAURANTS) {
    const floor = floorSchema.parse(demo.floor())
    const imported = await importFloor(engine.db, demo.slug, floor)
    restaurants.push({
      slug: demo.slug,
      timezone: floor.timezone,
      servicePeriods: floor.servicePeriods,
      zoneKeys: (await listZones(engine.db, imported.id)).map((zone) => zone.key),
    })
  }
  const server = http.createServer(createHttpApp(engine))
  // keep idle keep-alive sockets open longer than the client reuses them
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  return { engine, restaurants, base, agent, server, drop }
}
